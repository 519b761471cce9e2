/**
 * Special functions against SciPy 1.10 (gammaln, gammaincc, chi2.sf, ndtri,
 * kolmogorov, binom.pmf/cdf) at 1e-12 relative or better where both sides are
 * accurate to double precision, plus identities that hold whatever the method.
 */
import { describe, expect, it } from 'vitest';
import { fixtures, relativeError } from './fixtures/scipy';
import { binomialCdf, binomialPmf, chiSquaredSurvival, gammaQ, kolmogorovSurvival, logBinomialPmf, logGamma, normalQuantile } from './special';

const { special } = fixtures;

describe('logGamma', () => {
  // Relative to max(1, |value|): ln Γ has zeros at 1 and 2, where only an absolute error is meaningful.
  it.each(special.logGamma)('matches gammaln($x)', ({ x, value }) => {
    expect(Math.abs(logGamma(x) - value) / Math.max(1, Math.abs(value)), `${logGamma(x)} vs ${value}`).toBeLessThanOrEqual(1e-14);
  });

  it('gives ln((n-1)!) at integers and NaN outside x > 0', () => {
    expect(logGamma(1)).toBe(0);
    expect(logGamma(2)).toBe(0);
    expect(relativeError(logGamma(21), Math.log(2432902008176640000))).toBeLessThanOrEqual(1e-15);
    expect(Math.abs(logGamma(1 + 1e-9) + 0.5772156649015329e-9)).toBeLessThan(1e-14);
    expect(logGamma(0)).toBeNaN();
    expect(logGamma(-1.5)).toBeNaN();
  });
});

describe('gammaQ and chiSquaredSurvival', () => {
  it.each(special.gammaQ)('matches gammaincc($a, $x)', ({ a, x, value }) => {
    expect(relativeError(gammaQ(a, x), value), `${gammaQ(a, x)} vs ${value}`).toBeLessThanOrEqual(1e-12);
  });

  it.each(special.chiSquaredSurvival)('matches chi2.sf($x, $dof)', ({ x, dof, value }) => {
    expect(relativeError(chiSquaredSurvival(x, dof), value), `${chiSquaredSurvival(x, dof)} vs ${value}`).toBeLessThanOrEqual(1e-12);
  });

  it('has the closed forms of one and two degrees of freedom', () => {
    for (const x of [0.01, 1, 7.5, 40]) {
      expect(relativeError(chiSquaredSurvival(x, 2), Math.exp(-x / 2))).toBeLessThanOrEqual(1e-13);
      expect(relativeError(gammaQ(1, x), Math.exp(-x))).toBeLessThanOrEqual(1e-13);
    }
  });

  it('handles the ends of the domain', () => {
    expect(gammaQ(3, 0)).toBe(1);
    expect(gammaQ(3, Infinity)).toBe(0);
    expect(chiSquaredSurvival(Infinity, 4)).toBe(0);
    expect(gammaQ(0, 1)).toBeNaN();
    expect(chiSquaredSurvival(1, 0)).toBeNaN();
  });
});

describe('normalQuantile', () => {
  it.each(special.normalQuantile)('matches ndtri($p)', ({ p, value }) => {
    expect(relativeError(normalQuantile(p), value), `${normalQuantile(p)} vs ${value}`).toBeLessThanOrEqual(1e-14);
  });

  it('is antisymmetric about 1/2 and infinite at the ends', () => {
    for (const p of [1e-8, 0.01, 0.3]) expect(normalQuantile(1 - p)).toBeCloseTo(-normalQuantile(p), 7);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalQuantile(1.1)).toBeNaN();
  });
});

describe('kolmogorovSurvival', () => {
  it.each(special.kolmogorov)('matches scipy.special.kolmogorov($x)', ({ x, value }) => {
    expect(relativeError(kolmogorovSurvival(x), value), `${kolmogorovSurvival(x)} vs ${value}`).toBeLessThanOrEqual(1e-12);
  });

  it('joins its two series continuously at 0.82', () => {
    expect(Math.abs(kolmogorovSurvival(0.82) - kolmogorovSurvival(0.82 + 1e-12))).toBeLessThan(1e-11);
  });
});

describe('binomial', () => {
  it.each(special.binomialPmf)('pmf matches binom.pmf($k, $n, $p)', ({ k, n, p, value }) => {
    // Where SciPy underflows to 0, the true mass is below 1e-300.
    if (value === 0) expect(binomialPmf(k, n, p)).toBeLessThan(1e-300);
    else expect(relativeError(binomialPmf(k, n, p), value), `${binomialPmf(k, n, p)} vs ${value}`).toBeLessThanOrEqual(1e-12);
  });

  it.each(special.binomialCdf)('cdf matches binom.cdf($k, $n, $p)', ({ k, n, p, value }) => {
    expect(relativeError(binomialCdf(k, n, p), value), `${binomialCdf(k, n, p)} vs ${value}`).toBeLessThanOrEqual(1e-12);
  });

  it('sums to one and agrees with its log', () => {
    for (const [n, p] of [
      [1, 0.5],
      [17, 0.3],
      [400, 0.02],
    ] as const) {
      let total = 0;
      for (let k = 0; k <= n; k++) total += binomialPmf(k, n, p);
      expect(total).toBeCloseTo(1, 13);
      expect(logBinomialPmf(3, n + 3, p)).toBeCloseTo(Math.log(binomialPmf(3, n + 3, p)), 12);
    }
    expect(binomialPmf(11, 10, 0.5)).toBe(0);
    expect(binomialPmf(2.5, 10, 0.5)).toBe(0);
    expect(binomialPmf(0, 10, 0)).toBe(1);
  });

  it('refuses invalid parameters', () => {
    expect(() => binomialPmf(1, 10, 1.5)).toThrow(RangeError);
    expect(() => binomialCdf(1, -1, 0.5)).toThrow(RangeError);
  });
});
