/**
 * Exact McNemar test for paired binary outcomes (e.g. two models on the same
 * items): under the null the discordant pairs split evenly, so the p-value is
 * the two-sided binomial test of min(b, c) out of b + c at 1/2, as
 * scipy.stats.binomtest(min(b, c), b + c, 0.5).pvalue and statsmodels'
 * mcnemar(exact=True). With p = 1/2 the distribution is symmetric, so the
 * two-sided sum is twice the lower tail: p = min(1, 2 P(X <= min(b, c))),
 * and 1 without discordant pairs. The tail comes from binomialCdf (Loader's
 * saddle-point masses), which keeps its relative precision for hundreds of
 * thousands of pairs.
 */
import { binomialCdf } from './binomial';

export interface McNemarResult {
  /** Pairs the first model got right and the second wrong. */
  readonly b: number;
  /** Pairs the first model got wrong and the second right. */
  readonly c: number;
  /** min(b, c). */
  readonly statistic: number;
  /** Exact two-sided p-value. */
  readonly pValue: number;
}

/** One input answered by both models, with its true label. */
export interface PairedPrediction<Label> {
  readonly label: Label;
  readonly first: Label;
  readonly second: Label;
}

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

/** The pairs and the discordant counts of two models' answers to the same inputs (labels compared with ===). */
export function discordantCounts<Label>(pairs: Iterable<PairedPrediction<Label>>): { pairs: number; b: number; c: number } {
  let n = 0;
  let b = 0;
  let c = 0;
  for (const { label, first, second } of pairs) {
    n++;
    const firstRight = first === label;
    if (firstRight !== (second === label)) {
      if (firstRight) b++;
      else c++;
    }
  }
  return { pairs: n, b, c };
}

/** McNemar's exact test on two models' answers to the same inputs. */
export function mcnemarPaired<Label>(pairs: Iterable<PairedPrediction<Label>>): McNemarResult {
  const { b, c } = discordantCounts(pairs);
  return { b, c, ...mcnemarExact(b, c) };
}
