/**
 * Pearson's chi-squared tests: goodness of fit of observed to expected counts
 * (scipy.stats.chisquare), and Evidently's categorical drift test built on it.
 */
import { chiSquaredSurvival } from './special';

export interface ChiSquaredResult {
  readonly statistic: number;
  readonly pValue: number;
  readonly dof: number;
}

/**
 * Σ (o - e)²/e with k - 1 degrees of freedom, as scipy.stats.chisquare(observed,
 * expected). Like SciPy, refuses totals that differ by more than 1e-8
 * relative; an expected 0 with observed > 0 gives an infinite statistic and p
 * 0; a single category has no degrees of freedom and p NaN, as in SciPy.
 */
export function chiSquaredGoodnessOfFit(observed: readonly number[], expected: readonly number[]): ChiSquaredResult {
  if (observed.length !== expected.length || observed.length === 0) {
    throw new RangeError('chiSquaredGoodnessOfFit: observed and expected must be non-empty and of equal length');
  }
  let observedTotal = 0;
  let expectedTotal = 0;
  for (let i = 0; i < observed.length; i++) {
    observedTotal += observed[i] ?? 0;
    expectedTotal += expected[i] ?? 0;
  }
  if (Math.abs(observedTotal - expectedTotal) / Math.min(observedTotal, expectedTotal) > 1e-8) {
    throw new RangeError(`chiSquaredGoodnessOfFit: observed total ${observedTotal} and expected total ${expectedTotal} differ`);
  }
  let statistic = 0;
  for (let i = 0; i < observed.length; i++) {
    const o = observed[i] ?? 0;
    const e = expected[i] ?? 0;
    statistic += (o - e) ** 2 / e;
  }
  const dof = observed.length - 1;
  return { statistic, pValue: dof > 0 ? chiSquaredSurvival(statistic, dof) : Number.NaN, dof };
}

/**
 * Evidently's chi-squared drift test for a categorical feature, from counts per
 * category: over the categories seen in either sample, expected = reference
 * count × (current total / reference total), observed = current count. A
 * category new in current makes the statistic infinite (p 0). With fewer than
 * two categories seen there is nothing to compare: statistic 0, p 1 (SciPy
 * would give NaN).
 */
export function chiSquaredTest(referenceCounts: readonly number[], currentCounts: readonly number[]): { statistic: number; pValue: number } {
  if (referenceCounts.length !== currentCounts.length) throw new RangeError('chiSquaredTest: the count vectors differ in length');
  let referenceTotal = 0;
  let currentTotal = 0;
  for (let i = 0; i < referenceCounts.length; i++) {
    const r = referenceCounts[i] ?? 0;
    const c = currentCounts[i] ?? 0;
    if (!(r >= 0 && c >= 0) || !Number.isFinite(r + c)) throw new RangeError('chiSquaredTest: counts must be finite and non-negative');
    referenceTotal += r;
    currentTotal += c;
  }
  if (!(referenceTotal > 0 && currentTotal > 0)) throw new RangeError('chiSquaredTest: both samples need at least one count');
  const scale = currentTotal / referenceTotal;
  const observed: number[] = [];
  const expected: number[] = [];
  for (let i = 0; i < referenceCounts.length; i++) {
    const r = referenceCounts[i] ?? 0;
    const c = currentCounts[i] ?? 0;
    if (r + c === 0) continue;
    observed.push(c);
    expected.push(r * scale);
  }
  if (observed.length < 2) return { statistic: 0, pValue: 1 };
  const { statistic, pValue } = chiSquaredGoodnessOfFit(observed, expected);
  return { statistic, pValue };
}
