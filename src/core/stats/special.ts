/**
 * Special functions behind the tests' p-values and intervals: log-gamma, the
 * regularized upper incomplete gamma function (chi-squared tail), the normal
 * quantile and Kolmogorov's limiting distribution. Written for double
 * precision (about 1e-14 relative) rather than speed.
 */
export { binomialCdf, binomialPmf, logBinomialPmf } from './binomial';

const LOG_SQRT_2PI = 0.9189385332046728;

/** Stirling-series coefficients B_2k / (2k(2k-1)), k = 1..8. */
const STIRLING = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400];

/**
 * ln Γ(x) for x > 0, to about 4e-15 absolute (so relatively less near its
 * zeros at 1 and 2, except at those integers themselves, which are exact).
 * Below 15 the argument is shifted up by the recurrence Γ(x+1) = xΓ(x), to
 * where the Stirling series with eight terms is exact to double precision.
 */
export function logGamma(x: number): number {
  if (Number.isNaN(x) || x <= 0) return Number.NaN;
  if (x === Infinity) return Infinity;
  if (Number.isInteger(x) && x <= 19) {
    let factorial = 1; // (x-1)! is exact in a double up to 18!
    for (let i = 2; i < x; i++) factorial *= i;
    return Math.log(factorial);
  }
  let shift = 1;
  let z = x;
  while (z < 15) {
    shift *= z;
    z += 1;
  }
  const inv = 1 / z;
  const inv2 = inv * inv;
  let series = 0;
  for (let k = STIRLING.length - 1; k >= 0; k--) series = series * inv2 + (STIRLING[k] ?? 0);
  return (z - 0.5) * Math.log(z) - z + LOG_SQRT_2PI + series * inv - Math.log(shift);
}

/** x^a e^-x / Γ(a), the common factor of the series and the continued fraction. */
function gammaPrefactor(a: number, x: number): number {
  return Math.exp(a * Math.log(x) - x - logGamma(a));
}

const EPS = 1e-16;
const MAX_ITERATIONS = 100_000;

/** P(a, x) by its power series; converges fast for x < a + 1. */
function gammaPSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < MAX_ITERATIONS; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPS) break;
  }
  return sum * gammaPrefactor(a, x);
}

/** Q(a, x) by Lentz's continued fraction; converges fast for x > a + 1 and keeps tiny tails accurate. */
function gammaQContinuedFraction(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return h * gammaPrefactor(a, x);
}

/** Regularized upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a), as scipy.special.gammaincc. */
export function gammaQ(a: number, x: number): number {
  if (Number.isNaN(a) || Number.isNaN(x) || a <= 0 || x < 0) return Number.NaN;
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  // Each method where it converges quickly; 1 - P only where P is well below 1, so no cancellation.
  return x < a + 1 ? 1 - gammaPSeries(a, x) : gammaQContinuedFraction(a, x);
}

/** P(X > x) for X ~ χ²(dof), as scipy.stats.chi2.sf. */
export function chiSquaredSurvival(x: number, dof: number): number {
  if (Number.isNaN(x) || !(dof > 0)) return Number.NaN;
  if (x <= 0) return 1;
  return gammaQ(dof / 2, x / 2);
}

/** Wichura's AS 241 (PPND16) coefficients, highest power first. */
const CENTRAL_NUM = [
  2509.0809287301227, 33430.57558358813, 67265.7709270087, 45921.95393154987, 13731.69376550946, 1971.5909503065513, 133.14166789178438, 3.3871328727963665,
];
const CENTRAL_DEN = [5226.495278852854, 28729.085735721943, 39307.89580009271, 21213.794301586597, 5394.196021424751, 687.1870074920579, 42.31333070160091, 1];
const NEAR_NUM = [
  0.0007745450142783414, 0.022723844989269184, 0.2417807251774506, 1.2704582524523684, 3.6478483247632045, 5.769497221460691, 4.630337846156546,
  1.4234371107496835,
];
const NEAR_DEN = [
  1.0507500716444169e-9, 0.0005475938084995345, 0.015198666563616457, 0.14810397642748008, 0.6897673349851, 1.6763848301838038, 2.053191626637759, 1,
];
const FAR_NUM = [
  2.0103343992922881e-7, 0.000027115555687434876, 0.0012426609473880784, 0.026532189526576124, 0.29656057182850487, 1.7848265399172913, 5.463784911164114,
  6.657904643501103,
];
const FAR_DEN = [
  2.0442631033899397e-15, 1.421511758316446e-7, 0.000018463183175100548, 0.0007868691311456133, 0.014875361290850615, 0.1369298809227358, 0.599832206555888, 1,
];

function horner(coefficients: readonly number[], x: number): number {
  let sum = 0;
  for (const c of coefficients) sum = sum * x + c;
  return sum;
}

/** Φ⁻¹(p), the standard normal quantile (scipy.special.ndtri), by AS 241: about 1e-16 relative. */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return Number.NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * horner(CENTRAL_NUM, r)) / horner(CENTRAL_DEN, r);
  }
  // 1 - p is exact here (Sterbenz), so upper tails keep their precision.
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let value: number;
  if (r <= 5) {
    r -= 1.6;
    value = horner(NEAR_NUM, r) / horner(NEAR_DEN, r);
  } else {
    r -= 5;
    value = horner(FAR_NUM, r) / horner(FAR_DEN, r);
  }
  return q < 0 ? -value : value;
}

/**
 * Kolmogorov's limiting distribution, P(K > x) = 2 Σ (-1)^(k-1) e^(-2k²x²),
 * as scipy.special.kolmogorov: the sf is summed directly above 0.82, and below
 * it the cdf by its theta-function form √(2π)/x Σ e^(-(2k-1)²π²/(8x²)), which
 * converges fast there.
 */
export function kolmogorovSurvival(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x <= 0.04061197220375171) return 1; // the cdf underflows below this
  if (x <= 0.82) {
    const a = (-Math.PI * Math.PI) / (8 * x * x);
    let cdf = 0;
    for (let k = 1; ; k += 2) {
      const term = Math.exp(a * k * k);
      cdf += term;
      if (term <= cdf * EPS) break;
    }
    return Math.min(1, Math.max(0, 1 - (Math.sqrt(2 * Math.PI) / x) * cdf));
  }
  const a = -2 * x * x;
  let sf = 0;
  for (let k = 1, sign = 1; ; k++, sign = -sign) {
    const term = Math.exp(a * k * k);
    sf += sign * term;
    if (term <= Math.abs(sf) * EPS) break;
  }
  return Math.min(1, Math.max(0, 2 * sf));
}
