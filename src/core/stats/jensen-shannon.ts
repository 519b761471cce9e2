/**
 * Jensen-Shannon distance between two discrete distributions, as
 * scipy.spatial.distance.jensenshannon(p, q, base): the square root of the
 * mean Kullback-Leibler divergence of p and q from their midpoint. Symmetric,
 * bounded by √ln 2 (1 in base 2), and finite even where one side has zeros.
 */

function normalize(values: readonly number[], what: string): number[] {
  let sum = 0;
  for (const v of values) {
    if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`jensenShannonDistance: ${what} must be finite and non-negative`);
    sum += v;
  }
  if (!(sum > 0)) throw new RangeError(`jensenShannonDistance: ${what} sums to zero`);
  return values.map((v) => v / sum);
}

/** x ln(x/y) with 0 ln(0/y) = 0, as scipy.special.rel_entr (y > 0 wherever x > 0 here: y is the midpoint). */
function relativeEntropy(x: number, y: number): number {
  return x === 0 ? 0 : x * Math.log(x / y);
}

/**
 * JS distance of `p` and `q` (non-negative weights over the same categories,
 * each normalized to sum 1), with logarithms in `base` (natural by default).
 * Rounding can make the divergence a hair below zero for near-equal inputs,
 * where SciPy returns NaN; this returns 0.
 */
export function jensenShannonDistance(p: readonly number[], q: readonly number[], base = Math.E): number {
  if (p.length !== q.length) throw new RangeError('jensenShannonDistance: p and q differ in length');
  if (!(base > 0) || base === 1) throw new RangeError(`jensenShannonDistance: invalid base ${base}`);
  const pn = normalize(p, 'p');
  const qn = normalize(q, 'q');
  let left = 0;
  let right = 0;
  for (let i = 0; i < pn.length; i++) {
    const pi = pn[i] ?? 0;
    const qi = qn[i] ?? 0;
    const m = (pi + qi) / 2;
    left += relativeEntropy(pi, m);
    right += relativeEntropy(qi, m);
  }
  let divergence = left + right;
  if (base !== Math.E) divergence /= Math.log(base);
  return Math.sqrt(Math.max(0, divergence / 2));
}
