/**
 * Two ways to the cdf of the one-sample two-sided K-S statistic D_n, used by
 * `kstwoSurvival` where Simard & L'Ecuyer (2011) choose them, as SciPy does:
 * Durbin's matrix (exact; Marsaglia, Tsang & Wang 2003) and the Pelz-Good
 * asymptotic series (1976).
 */

const SCALE_EXPONENT = 128;
const SCALE = 2 ** SCALE_EXPONENT;

/** x·2^e without overflowing the intermediate power of two. */
export function ldexp(x: number, e: number): number {
  let value = x;
  let rest = e;
  while (rest > 1000) {
    value *= 2 ** 1000;
    rest -= 1000;
  }
  while (rest < -1000) {
    value *= 2 ** -1000;
    rest += 1000;
  }
  return value * 2 ** rest;
}

function multiply(a: Float64Array, b: Float64Array, m: number): Float64Array<ArrayBuffer> {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < m; k++) {
      const aik = a[i * m + k] ?? 0;
      if (aik === 0) continue;
      for (let j = 0; j < m; j++) out[i * m + j] = (out[i * m + j] ?? 0) + aik * (b[k * m + j] ?? 0);
    }
  }
  return out;
}

/**
 * P(D_n <= d) by Durbin's matrix: with nd = k - h, the (k,k) entry of H^n
 * times n!/n^n, where H is (2k-1)×(2k-1). Powers are rescaled by 2^128 and
 * the exponent kept apart, as the entries span far more than a double's range.
 */
export function durbinMatrixCdf(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let factorial = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = factorial; // 1/(j-1)!
    factorial /= j;
    v[j - 1] = (1 - h ** j) * factorial; // (1 - h^j)/j!
  }
  v[m - 1] = (1 + Math.max(2 * h - 1, 0) ** m - 2 * h ** m) * factorial;
  let power = new Float64Array(m * m);
  for (let i = 1; i < m; i++) for (let r = i - 1; r < m; r++) power[r * m + i] = w[r - i + 1] ?? 0;
  for (let r = 0; r < m; r++) power[r * m] = v[r] ?? 0;
  for (let c = 0; c < m; c++) power[(m - 1) * m + c] = v[m - 1 - c] ?? 0;

  let result = new Float64Array(m * m);
  for (let i = 0; i < m; i++) result[i * m + i] = 1;
  let exponent = 0;
  let powerExponent = 0;
  for (let rest = n; rest > 0; rest = Math.floor(rest / 2)) {
    if (rest % 2 === 1) {
      result = multiply(result, power, m);
      exponent += powerExponent;
    }
    power = multiply(power, power, m);
    powerExponent *= 2;
    if (Math.abs(power[(k - 1) * m + (k - 1)] ?? 0) > SCALE) {
      for (let i = 0; i < power.length; i++) power[i] = (power[i] ?? 0) / SCALE;
      powerExponent += SCALE_EXPONENT;
    }
  }
  let p = result[(k - 1) * m + (k - 1)] ?? 0;
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n; // × n!/n^n, rescaled as it shrinks
    if (Math.abs(p) < 1 / SCALE) {
      p *= SCALE;
      exponent -= SCALE_EXPONENT;
    }
  }
  return Math.min(1, Math.max(0, ldexp(p, exponent)));
}

const PI2 = Math.PI ** 2;
const PI4 = Math.PI ** 4;
const PI6 = Math.PI ** 6;
const SQRT_2PI = Math.sqrt(2 * Math.PI);

/**
 * P(D_n <= x) by Pelz and Good: Li-Chien and Korolyuk's expansion
 * K0 + K1/√n + K2/n + K3/n^1.5 in z = x√n, each term rewritten by the Jacobi
 * theta identity into sums that converge for small z.
 */
export function pelzGoodCdf(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const qlog = -PI2 / 8 / z2;
  if (qlog < -708) return 0;
  let q = Math.exp(qlog);

  const k1a = -z2;
  const k1b = PI2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4;
  const k2c = (PI4 * (1 - 2 * z2)) / 16;
  const k3d = (PI6 * (5 - 30 * z2)) / 64;
  const k3c = (PI4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z4 * z4;

  // Horner in q over the odd integers m = 2k - 1 (the q^(m²) terms).
  const terms = [0, 0, 0, 0];
  const maxK = Math.ceil((16 * z) / Math.PI);
  for (let k = maxK; k >= 1; k--) {
    const m2 = (2 * k - 1) ** 2;
    const qPower = q ** (8 * k);
    const coefficients = [1, k1a + k1b * m2, k2a + k2b * m2 + k2c * m2 * m2, k3a + k3b * m2 + k3c * m2 * m2 + k3d * m2 * m2 * m2];
    for (let i = 0; i < 4; i++) terms[i] = (terms[i] ?? 0) * qPower + (coefficients[i] ?? 0);
  }
  const divisors = [z, 6 * z4, 72 * z4 * z2 * z, 6480 * z4 * z6];
  for (let i = 0; i < 4; i++) terms[i] = ((terms[i] ?? 0) * q * SQRT_2PI) / (divisors[i] ?? 1);

  // The other sums, over all integers k: K2 gets π²k² q^(k²), K3 (3π²k²z² - π⁴k⁴) q^(k²).
  q = Math.exp(-PI2 / 2 / z2);
  let k2extra = 0;
  let k3extra = 0;
  const sqrt3z = Math.sqrt(3) * z;
  for (let k = maxK; k >= 1; k--) {
    const weight = k * k * q ** (k * k);
    k2extra += weight;
    k3extra += (sqrt3z + Math.PI * k) * (sqrt3z - Math.PI * k) * weight;
  }
  terms[2] = (terms[2] ?? 0) + (k2extra * PI2 * SQRT_2PI) / (-36 * z2 * z);
  terms[3] = (terms[3] ?? 0) + (k3extra * PI2 * SQRT_2PI) / (216 * z6);
  let cdf = 0;
  for (let i = 0; i < 4; i++) cdf += (terms[i] ?? 0) / n ** (i / 2);
  return cdf;
}
