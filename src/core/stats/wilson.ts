/**
 * Wilson score interval for a binomial proportion, as SciPy 1.10's
 * binomtest(k, n).proportion_ci(confidence, method='wilson') (Newcombe 1998,
 * without continuity correction). Unlike the Wald interval it stays inside
 * [0, 1] and behaves at k = 0 and k = n, where it is closed at 0 or 1.
 */
import { normalQuantile } from './special';

export function wilsonInterval(successes: number, trials: number, confidence = 0.95): { low: number; high: number } {
  if (!Number.isInteger(trials) || trials < 0) throw new RangeError(`wilsonInterval: trials must be a non-negative integer, got ${trials}`);
  if (!Number.isInteger(successes) || successes < 0 || successes > trials) {
    throw new RangeError(`wilsonInterval: successes must be an integer in [0, ${trials}], got ${successes}`);
  }
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`wilsonInterval: confidence must be in (0, 1), got ${confidence}`);
  if (trials === 0) return { low: 0, high: 1 }; // no data: every proportion is possible
  const n = trials;
  const p = successes / n;
  const q = 1 - p;
  const z = normalQuantile(0.5 + 0.5 * confidence);
  const denominator = 2 * (n + z ** 2);
  const center = (2 * n * p + z ** 2) / denominator;
  const delta = (z / denominator) * Math.sqrt(4 * n * p * q + z ** 2);
  return { low: successes === 0 ? 0 : center - delta, high: successes === n ? 1 : center + delta };
}
