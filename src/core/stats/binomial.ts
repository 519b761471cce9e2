/**
 * Binomial probabilities for the exact tests (McNemar). The mass uses Loader's
 * saddle-point form ("Fast and accurate computation of binomial
 * probabilities", 2000), which keeps full relative precision for large n
 * where differences of log-gammas would lose digits; the cdf sums masses by
 * their exact ratios from the mass at k.
 */
const LOG_2PI = 1.8378770664093453;
const LOG_SQRT_2PI = 0.9189385332046728;

/** ln(n!) - ln(√(2πn) (n/e)^n): the error of Stirling's formula, for integer n >= 1. */
function stirlingError(n: number): number {
  if (n <= 15) {
    let factorial = 1; // exact: 15! < 2^53
    for (let i = 2; i <= n; i++) factorial *= i;
    return Math.log(factorial) - (n + 0.5) * Math.log(n) + n - LOG_SQRT_2PI;
  }
  const nn = n * n;
  if (n > 500) return (1 / 12 - 1 / 360 / nn) / n;
  if (n > 80) return (1 / 12 - (1 / 360 - 1 / 1260 / nn) / nn) / n;
  if (n > 35) return (1 / 12 - (1 / 360 - (1 / 1260 - 1 / 1680 / nn) / nn) / nn) / n;
  return (1 / 12 - (1 / 360 - (1 / 1260 - (1 / 1680 - 1 / 1188 / nn) / nn) / nn) / nn) / n;
}

/** x ln(x/m) + m - x without cancellation when x is near m (the "deviance" term). */
function deviance(x: number, m: number): number {
  if (Math.abs(x - m) < 0.1 * (x + m)) {
    let v = (x - m) / (x + m);
    let sum = (x - m) * v;
    let term = 2 * x * v;
    v *= v;
    for (let j = 1; j < 1000; j++) {
      term *= v;
      const next = sum + term / (2 * j + 1);
      if (next === sum) return next;
      sum = next;
    }
    return sum;
  }
  return x * Math.log(x / m) + m - x;
}

function checkArguments(k: number, n: number, p: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`binomial: n must be a non-negative integer, got ${n}`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`binomial: p must be in [0, 1], got ${p}`);
  if (Number.isNaN(k)) throw new RangeError('binomial: k is NaN');
}

/** ln P(X = k) for X ~ Binomial(n, p); -Infinity outside the support. */
export function logBinomialPmf(k: number, n: number, p: number): number {
  checkArguments(k, n, p);
  if (!Number.isInteger(k) || k < 0 || k > n) return -Infinity;
  const q = 1 - p;
  if (p === 0) return k === 0 ? 0 : -Infinity;
  if (q === 0) return k === n ? 0 : -Infinity;
  if (k === 0) return n === 0 ? 0 : p < 0.1 ? -deviance(n, n * q) - n * p : n * Math.log(q);
  if (k === n) return q < 0.1 ? -deviance(n, n * p) - n * q : n * Math.log(p);
  const lc = stirlingError(n) - stirlingError(k) - stirlingError(n - k) - deviance(k, n * p) - deviance(n - k, n * q);
  return lc - 0.5 * (LOG_2PI + Math.log(k) + Math.log1p(-k / n));
}

/** P(X = k) for X ~ Binomial(n, p), as scipy.stats.binom.pmf. */
export function binomialPmf(k: number, n: number, p: number): number {
  return Math.exp(logBinomialPmf(k, n, p));
}

/**
 * Sums masses from `k` away from the mode, each from the previous by the
 * ratio P(j∓1)/P(j), until they no longer change the sum.
 */
function tailSum(k: number, n: number, p: number, downward: boolean): number {
  let term = binomialPmf(k, n, p);
  let sum = term;
  const odds = p / (1 - p);
  for (let j = k; downward ? j > 0 : j < n; downward ? j-- : j++) {
    term *= downward ? j / (n - j + 1) / odds : ((n - j) / (j + 1)) * odds;
    sum += term;
    if (term <= sum * 1e-17) break;
  }
  return sum;
}

/** P(X <= k) for X ~ Binomial(n, p), as scipy.stats.binom.cdf. */
export function binomialCdf(k: number, n: number, p: number): number {
  checkArguments(k, n, p);
  const whole = Math.floor(k);
  if (whole < 0) return 0;
  if (whole >= n) return 1;
  if (p === 0) return 1;
  if (p === 1) return 0;
  // Sum the tail that does not contain the mode, so the terms only shrink.
  return whole <= n * p ? tailSum(whole, n, p, true) : 1 - tailSum(whole + 1, n, p, false);
}
