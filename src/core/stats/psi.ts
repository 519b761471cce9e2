/**
 * Population Stability Index between two histograms over the same bins:
 * Σ (r_i - c_i) ln(r_i / c_i) over the bins' shares, as Evidently's psi stat
 * test computes it (its get_binned_data, then psi). Empty bins would make the
 * logarithm infinite, so Evidently gives them a small share first: 0.0001, or
 * a millionth of that side's smallest non-zero share when that share is itself
 * 0.0001 or less (so the filler stays below every real bin).
 */

function shares(counts: readonly number[], what: string): number[] {
  let total = 0;
  for (const c of counts) {
    if (!(c >= 0) || !Number.isFinite(c)) throw new RangeError(`populationStabilityIndex: ${what} counts must be finite and non-negative`);
    total += c;
  }
  if (!(total > 0)) throw new RangeError(`populationStabilityIndex: ${what} is empty`);
  const out = counts.map((c) => c / total);
  let smallest = Infinity;
  for (const s of out) if (s > 0) smallest = Math.min(smallest, s);
  const filler = smallest <= 0.0001 ? smallest / 10 ** 6 : 0.0001;
  return out.map((s) => (s === 0 ? filler : s));
}

/** PSI of `current` against `reference`, both counts over the same bins; 0 for identical shares, commonly read as drift above 0.1-0.25. */
export function populationStabilityIndex(reference: readonly number[], current: readonly number[]): number {
  if (reference.length !== current.length) throw new RangeError('populationStabilityIndex: the histograms have different numbers of bins');
  const r = shares(reference, 'reference');
  const c = shares(current, 'current');
  let psi = 0;
  for (let i = 0; i < r.length; i++) {
    const ri = r[i] ?? 0;
    const ci = c[i] ?? 0;
    psi += (ri - ci) * Math.log(ri / ci);
  }
  return psi;
}
