/**
 * Isotonic regression: the non-decreasing function closest to (x, y) in
 * weighted least squares, fitted by pool-adjacent-violators, and predicted by
 * linear interpolation between breakpoints, clipped outside them, as
 * scikit-learn's IsotonicRegression(out_of_bounds='clip'). Used to
 * recalibrate confidence scores into probabilities.
 */

/** Breakpoints of the fit: x strictly ascending, y non-decreasing. */
export interface IsotonicModel {
  readonly x: readonly number[];
  readonly y: readonly number[];
}

interface Block {
  weight: number;
  weightedSum: number;
  /** Index of the block's last distinct x. */
  end: number;
}

const blockMean = (b: Block): number => b.weightedSum / b.weight;

/**
 * Fits the model. Points sharing an x are pooled first into their weighted
 * mean (as scikit-learn does), then any adjacent pair of blocks out of order
 * is merged until the means ascend. The result keeps only the first and last
 * x of each run of equal fitted values. Weights default to 1; zero-weight
 * points are ignored.
 */
export function fitIsotonic(x: readonly number[], y: readonly number[], weights?: readonly number[]): IsotonicModel {
  if (x.length !== y.length || (weights !== undefined && weights.length !== x.length)) {
    throw new RangeError('fitIsotonic: x, y and weights must have the same length');
  }
  const order: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const w = weights?.[i] ?? 1;
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i]) || !Number.isFinite(w) || w < 0) {
      throw new RangeError('fitIsotonic: x, y and weights must be finite, weights non-negative');
    }
    if (w > 0) order.push(i);
  }
  if (order.length === 0) throw new RangeError('fitIsotonic: no point with positive weight');
  order.sort((a, b) => (x[a] ?? 0) - (x[b] ?? 0));

  // Tied x values become one point carrying their total weight.
  const xs: number[] = [];
  const blocks: Block[] = [];
  for (const i of order) {
    const w = weights?.[i] ?? 1;
    const xi = x[i] ?? 0;
    const wy = w * (y[i] ?? 0);
    const last = blocks[blocks.length - 1];
    if (last !== undefined && xs[xs.length - 1] === xi) {
      last.weight += w;
      last.weightedSum += wy;
    } else {
      xs.push(xi);
      blocks.push({ weight: w, weightedSum: wy, end: xs.length - 1 });
    }
  }

  // Pool adjacent violators, on a stack: each new point merges backwards while it is not above its predecessor.
  const stack: Block[] = [];
  for (const block of blocks) {
    let current = block;
    for (let previous = stack[stack.length - 1]; previous !== undefined && blockMean(previous) >= blockMean(current); previous = stack[stack.length - 1]) {
      stack.pop();
      current = { weight: previous.weight + current.weight, weightedSum: previous.weightedSum + current.weightedSum, end: current.end };
    }
    stack.push(current);
  }

  // Each block is a constant run over xs[start..end]; keep its two ends.
  const outX: number[] = [];
  const outY: number[] = [];
  let start = 0;
  for (const block of stack) {
    const mean = blockMean(block);
    outX.push(xs[start] ?? 0);
    outY.push(mean);
    if (block.end > start) {
      outX.push(xs[block.end] ?? 0);
      outY.push(mean);
    }
    start = block.end + 1;
  }
  return { x: outX, y: outY };
}

/** The fitted value at `x`: linear between breakpoints, the end values beyond them. */
export function predictIsotonic(model: IsotonicModel, x: number): number {
  const xs = model.x;
  const ys = model.y;
  const last = xs.length - 1;
  if (last < 0 || ys.length !== xs.length) throw new RangeError('predictIsotonic: the model has no breakpoints');
  if (Number.isNaN(x)) return Number.NaN;
  if (x <= (xs[0] ?? 0)) return ys[0] ?? 0;
  if (x >= (xs[last] ?? 0)) return ys[last] ?? 0;
  // Binary search for the segment xs[lo] <= x < xs[lo + 1].
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((xs[mid] ?? 0) <= x) lo = mid;
    else hi = mid;
  }
  const x0 = xs[lo] ?? 0;
  const y0 = ys[lo] ?? 0;
  const slope = ((ys[hi] ?? 0) - y0) / ((xs[hi] ?? 0) - x0);
  return slope * (x - x0) + y0;
}
