/**
 * First Wasserstein (earth mover's) distance between one-dimensional
 * distributions, as scipy.stats.wasserstein_distance: the integral of
 * |F_u - F_v| over the line, exact for empirical distributions because both
 * CDFs are step functions. Also Evidently's drift score, the distance divided
 * by the reference's standard deviation.
 */

function checkFinite(values: readonly number[], what: string): void {
  if (values.length === 0) throw new RangeError(`wasserstein: ${what} is empty`);
  for (const v of values) if (!Number.isFinite(v)) throw new RangeError(`wasserstein: ${what} holds a non-finite value`);
}

/** W1 between the empirical distributions of samples `a` and `b`. */
export function wasserstein1(a: readonly number[], b: readonly number[]): number {
  checkFinite(a, 'a');
  checkFinite(b, 'b');
  const x = [...a].sort((u, v) => u - v);
  const y = [...b].sort((u, v) => u - v);
  // Walk the merged values; between consecutive ones both CDFs are constant.
  let i = 0;
  let j = 0;
  let value = Math.min(x[0] ?? Infinity, y[0] ?? Infinity);
  let total = 0;
  while (i < x.length || j < y.length) {
    while (i < x.length && x[i] === value) i++;
    while (j < y.length && y[j] === value) j++;
    const next = Math.min(x[i] ?? Infinity, y[j] ?? Infinity);
    if (next === Infinity) break;
    total += Math.abs(i / x.length - j / y.length) * (next - value);
    value = next;
  }
  return total;
}

function checkWeights(weights: readonly number[], length: number, what: string): number {
  if (weights.length !== length) throw new RangeError(`wassersteinFromCounts: ${what} has ${weights.length} counts for ${length} points`);
  let sum = 0;
  for (const w of weights) {
    if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`wassersteinFromCounts: ${what} counts must be finite and non-negative`);
    sum += w;
  }
  if (!(sum > 0)) throw new RangeError(`wassersteinFromCounts: ${what} counts sum to zero`);
  return sum;
}

/**
 * W1 between two distributions given as counts (or any non-negative weights)
 * at the same support points, as wasserstein_distance(points, points,
 * reference, current). Points need not be sorted or distinct.
 */
export function wassersteinFromCounts(points: readonly number[], reference: readonly number[], current: readonly number[]): number {
  checkFinite(points, 'points');
  const totalReference = checkWeights(reference, points.length, 'reference');
  const totalCurrent = checkWeights(current, points.length, 'current');
  const order = points.map((_, k) => k).sort((u, v) => (points[u] ?? 0) - (points[v] ?? 0));
  let cumulativeReference = 0;
  let cumulativeCurrent = 0;
  let total = 0;
  for (let k = 0; k + 1 < order.length; k++) {
    const here = order[k] ?? 0;
    cumulativeReference += reference[here] ?? 0;
    cumulativeCurrent += current[here] ?? 0;
    // Repeated points have a zero-width gap, so partial sums among them never count.
    const gap = (points[order[k + 1] ?? 0] ?? 0) - (points[here] ?? 0);
    total += Math.abs(cumulativeReference / totalReference - cumulativeCurrent / totalCurrent) * gap;
  }
  return total;
}

/** Population standard deviation (numpy.std with ddof = 0), two-pass for accuracy. */
function populationStd(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  return Math.sqrt(squares / values.length);
}

/**
 * W1 divided by the population standard deviation of the reference `a`, as
 * Evidently's wasserstein_distance_norm; the divisor is floored at 0.001, as
 * there, so a constant reference gives a finite score.
 */
export function normalizedWasserstein(a: readonly number[], b: readonly number[]): number {
  const distance = wasserstein1(a, b);
  return distance / Math.max(populationStd(a), 0.001);
}
