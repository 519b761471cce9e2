/**
 * The finite-n distributions of the one-sample K-S statistics: Smirnov's
 * one-sided D+_n (scipy.special.smirnov) and the two-sided D_n
 * (scipy.stats.kstwo). SciPy 1.10's ks_2samp takes its large-sample p-value
 * from kstwo with n = round(mn/(m+n)), not from Kolmogorov's limit, so this
 * follows SciPy's choice of method region by region (Simard & L'Ecuyer 2011).
 */
import { durbinMatrixCdf, pelzGoodCdf } from './kstwo-methods';

const MIN_LOG = -708.3964185322641; // ln of the smallest normal double
const clip = (p: number): number => Math.min(1, Math.max(0, p));

/**
 * P(D+_n >= d) by the Birnbaum-Tingey sum
 * d Σ_{v <= n(1-d)} C(n,v) (d + v/n)^(v-1) (1 - d - v/n)^(n-v);
 * every term is positive, so the sum has no cancellation.
 */
export function smirnovSurvival(n: number, d: number): number {
  if (!Number.isInteger(n) || n < 1 || !(d >= 0 && d <= 1)) return Number.NaN;
  if (n === 1) return 1 - d;
  if (d === 0) return 1;
  if (d === 1) return 0;
  const nd = n * d;
  if (nd <= 1) return 1 - d * (1 + d) ** (n - 1);
  if (-2 * n * d * d < MIN_LOG) return 0;
  if (Math.floor(nd) >= n - 1) return (1 - d) ** n;
  if (n > 1_000_000) return Math.exp(-((6 * nd + 1) ** 2) / 18 / n); // SciPy's approximation at this size
  // ln C(n, v) grows to ~n ln 2 over up to n steps: compensated (Kahan) summation keeps its error near one ulp.
  let logBinomial = 0;
  let compensation = 0;
  let sum = 0;
  for (let v = 0; v < n; v++) {
    const low = d + v / n;
    const high = (n - v) / n - d;
    if (high <= 0) break;
    sum += Math.exp(logBinomial + (v - 1) * Math.log(low) + (n - v) * Math.log(high));
    const step = Math.log((n - v) / (v + 1)) - compensation;
    const next = logBinomial + step;
    compensation = next - logBinomial - step;
    logBinomial = next;
  }
  return clip(d * sum);
}

/** ln(n!/n^n) by Stirling's series, for the n > 140 Ruben-Gambino case. */
function logFactorialOverPower(n: number): number {
  const coefficients = [
    -0.029550653594771242, 0.00641025641025641, -0.0019175269175269176, 0.0008417508417508417, -0.0005952380952380953, 0.0007936507936507937,
    -0.002777777777777778, 0.08333333333333333,
  ];
  const r = 1 / n;
  let series = 0;
  for (const c of coefficients) series = series * (r / n) + c;
  return Math.log(n) / 2 - n + Math.log(2 * Math.PI) / 2 + r * series;
}

/**
 * P(D_n >= d) for the two-sided one-sample statistic, as scipy.stats.kstwo.sf(d, n).
 * Exact closed forms at the ends (Ruben & Gambino), 2·smirnov where the two
 * one-sided events cannot both happen or the overlap is negligible, Durbin's
 * matrix for small d, and Pelz-Good where n is too large for the matrix.
 * SciPy uses Pomeranz's recursion for n <= 140 and 0.754693 < nd² <= 4;
 * Durbin's matrix is exact there too, so it stands in.
 */
export function kstwoSurvival(d: number, n: number): number {
  if (Number.isNaN(d) || !Number.isInteger(n) || n < 1) return Number.NaN;
  if (d >= 1) return 0;
  if (d <= 0) return 1;
  const t = n * d;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    let cdf: number;
    if (n <= 140) {
      cdf = 1;
      for (let i = 1; i <= n; i++) cdf *= i * (1 / n) * (2 * t - 1);
    } else {
      cdf = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    }
    return clip(1 - cdf);
  }
  if (t >= n - 1) return clip(2 * (1 - d) ** n);
  if (d >= 0.5) return clip(2 * smirnovSurvival(n, d));
  const nd2 = t * d;
  if (n <= 140) {
    if (nd2 <= 4) return clip(1 - durbinMatrixCdf(n, d));
    return clip(2 * smirnovSurvival(n, d));
  }
  if (nd2 >= 370) return 0;
  if (nd2 >= 2.2) return clip(2 * smirnovSurvival(n, d));
  const cdf = n <= 100_000 && n * d ** 1.5 <= 1.4 ? durbinMatrixCdf(n, d) : pelzGoodCdf(n, d);
  return clip(1 - cdf);
}
