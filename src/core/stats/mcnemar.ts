/**
 * Exact McNemar test for paired binary outcomes (e.g. two models on the same
 * items): under the null the discordant pairs split evenly, so the p-value is
 * the two-sided binomial test of min(b, c) out of b + c at 1/2, as
 * scipy.stats.binomtest(min(b, c), b + c, 0.5).pvalue. With p = 1/2 the
 * distribution is symmetric, so SciPy's two-sided sum is twice the lower tail.
 */
import { binomialCdf } from './binomial';

/** `b`, `c`: the discordant counts (first right and second wrong, and the reverse). */
export function mcnemarExact(b: number, c: number): { statistic: number; pValue: number } {
  for (const count of [b, c]) {
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`mcnemarExact: counts must be non-negative integers, got ${count}`);
  }
  const statistic = Math.min(b, c);
  const n = b + c;
  if (n === 0 || b === c) return { statistic, pValue: 1 };
  return { statistic, pValue: Math.min(1, 2 * binomialCdf(statistic, n, 0.5)) };
}
