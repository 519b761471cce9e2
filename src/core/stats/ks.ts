/**
 * Two-sample Kolmogorov-Smirnov test, two-sided, as scipy.stats.ks_2samp(a, b)
 * with method='auto' in SciPy 1.10: the exact p-value when max(n, m) <= 10000
 * (falling back to the asymptotic one if the exact sum is not a probability),
 * otherwise kstwo.sf(D, round(nm/(n+m))). The exact path reports D rounded to
 * a multiple of 1/lcm(n, m), as SciPy does.
 */
import { probabilityOutsideBand, probabilityOutsideSquare } from './ks-exact';
import { kstwoSurvival } from './kstwo';

export interface KsResult {
  readonly statistic: number;
  readonly pValue: number;
}

/** SciPy's MAX_AUTO_N: above it 'auto' switches to the asymptotic p-value. */
const MAX_EXACT_SIZE = 10_000;

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Round half to even, as numpy.round. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The p-value of statistic `d` for sample sizes n1 and n2, and the statistic SciPy reports with it. */
export function ksPValue(d: number, n1: number, n2: number): KsResult {
  let statistic = d;
  if (Math.max(n1, n2) <= MAX_EXACT_SIZE) {
    const g = gcd(n1, n2);
    const lcm = (n1 / g) * n2;
    const h = roundHalfEven(d * lcm);
    statistic = h / lcm;
    if (h === 0) return { statistic, pValue: 1 };
    const p = n1 === n2 ? probabilityOutsideSquare(n1, h) : probabilityOutsideBand(n1, n2, g, h);
    if (p >= 0 && p <= 1) return { statistic, pValue: p };
  }
  const effective = (n1 * n2) / (n1 + n2);
  return { statistic, pValue: Math.min(1, Math.max(0, kstwoSurvival(statistic, roundHalfEven(effective)))) };
}

function checkSample(values: readonly number[], name: string): void {
  if (values.length === 0) throw new RangeError(`ksTwoSample: ${name} is empty`);
  for (const v of values) if (!Number.isFinite(v)) throw new RangeError(`ksTwoSample: ${name} holds a non-finite value`);
}

/** Two-sided two-sample K-S test of samples `a` and `b` (finite values, ties allowed). */
export function ksTwoSample(a: readonly number[], b: readonly number[]): KsResult {
  checkSample(a, 'a');
  checkSample(b, 'b');
  const x = [...a].sort((u, v) => u - v);
  const y = [...b].sort((u, v) => u - v);
  // The ECDFs only change at sample values: step through both sorted samples.
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length || j < y.length) {
    const value = Math.min(x[i] ?? Infinity, y[j] ?? Infinity);
    while (i < x.length && x[i] === value) i++;
    while (j < y.length && y[j] === value) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  return ksPValue(d, x.length, y.length);
}

function checkCounts(counts: readonly number[], name: string): number {
  let total = 0;
  for (const c of counts) {
    if (!Number.isInteger(c) || c < 0) throw new RangeError(`ksFromCounts: ${name} counts must be non-negative integers`);
    total += c;
  }
  if (total === 0) throw new RangeError(`ksFromCounts: ${name} is empty`);
  return total;
}

/**
 * K-S test from two histograms over the same ordered bins: D is the largest
 * gap between the cumulative shares at bin edges, and the p-value is the one
 * ks_2samp gives for samples of sizes sum(reference) and sum(current) — it
 * equals ks_2samp on the samples with every value replaced by its bin. Binning
 * can only hide differences within a bin, so this D is at most the D of the
 * unbinned samples, and the p-value at least theirs.
 */
export function ksFromCounts(reference: readonly number[], current: readonly number[]): KsResult {
  if (reference.length !== current.length) throw new RangeError('ksFromCounts: the histograms have different numbers of bins');
  const n1 = checkCounts(reference, 'reference');
  const n2 = checkCounts(current, 'current');
  let below1 = 0;
  let below2 = 0;
  let d = 0;
  for (let k = 0; k < reference.length; k++) {
    below1 += reference[k] ?? 0;
    below2 += current[k] ?? 0;
    d = Math.max(d, Math.abs(below1 / n1 - below2 / n2));
  }
  return ksPValue(d, n1, n2);
}
