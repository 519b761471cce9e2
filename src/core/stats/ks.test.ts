/**
 * The two-sample K-S test against SciPy 1.10's ks_2samp (exact and asymptotic
 * paths, ties, identical samples), the binned variant against ks_2samp on the
 * binned samples, and kstwo.sf over every method region. Tolerances: 1e-9
 * relative on p-values, exact (1e-15) on statistics.
 */
import { describe, expect, it } from 'vitest';
import { fixtures, generate, relativeError } from './fixtures/scipy';
import { ksFromCounts, ksPValue, ksTwoSample } from './ks';
import { kstwoSurvival, smirnovSurvival } from './kstwo';

const samples = (c: (typeof fixtures.ksTwoSample)[number]): [number[], number[]] => [
  c.a ?? (c.genA ? generate(c.genA) : []),
  c.b ?? (c.genB ? generate(c.genB) : []),
];

describe('ksTwoSample', () => {
  it.each(fixtures.ksTwoSample)('matches ks_2samp: $name', (c) => {
    const [a, b] = samples(c);
    const r = ksTwoSample(a, b);
    expect(relativeError(r.statistic, c.statistic), `statistic ${r.statistic} vs ${c.statistic}`).toBeLessThanOrEqual(1e-15);
    expect(relativeError(r.pValue, c.pValue), `p ${r.pValue} vs ${c.pValue}`).toBeLessThanOrEqual(1e-9);
  });

  it('covers both of SciPy paths: sizes up to 10000 and above it', () => {
    const sizes = fixtures.ksTwoSample.map((c) => Math.max(...samples(c).map((s) => s.length)));
    expect(sizes.some((n) => n === 10_000)).toBe(true);
    expect(sizes.filter((n) => n > 10_000).length).toBeGreaterThanOrEqual(4);
  });

  it('is symmetric in its samples and unchanged by a common shift', () => {
    for (const c of fixtures.ksTwoSample.slice(0, 11)) {
      const [a, b] = samples(c);
      expect(ksTwoSample(b, a)).toEqual(ksTwoSample(a, b));
      // Shifts by a power of two keep the values exact, so ties and order are kept.
      expect(
        ksTwoSample(
          a.map((v) => v + 64),
          b.map((v) => v + 64),
        ),
      ).toEqual(ksTwoSample(a, b));
    }
  });

  it('gives D = 1 and the smallest p-value for fully separated samples', () => {
    expect(ksTwoSample([1, 2, 3], [4, 5, 6])).toEqual({ statistic: 1, pValue: expect.closeTo(0.1, 15) as number });
  });

  it('refuses empty or non-finite samples', () => {
    expect(() => ksTwoSample([], [1])).toThrow(RangeError);
    expect(() => ksTwoSample([1, Number.NaN], [1])).toThrow(RangeError);
  });
});

describe('ksFromCounts', () => {
  it.each(fixtures.ksFromCounts)('matches ks_2samp on the binned samples: $name', (c) => {
    const r = ksFromCounts(c.reference, c.current);
    expect(relativeError(r.statistic, c.statistic), `statistic ${r.statistic} vs ${c.statistic}`).toBeLessThanOrEqual(1e-15);
    expect(relativeError(r.pValue, c.pValue), `p ${r.pValue} vs ${c.pValue}`).toBeLessThanOrEqual(1e-9);
  });

  it('never exceeds the unbinned statistic', () => {
    for (const c of fixtures.ksTwoSample.slice(0, 11)) {
      const [a, b] = samples(c);
      const edges = [-Infinity, -1, -0.5, 0, 0.3, 1, 2];
      const bin = (s: number[]): number[] => edges.map((lo, k) => s.filter((v) => v > lo && v <= (edges[k + 1] ?? Infinity)).length);
      expect(ksFromCounts(bin(a), bin(b)).statistic).toBeLessThanOrEqual(ksTwoSample(a, b).statistic + 1e-15);
    }
  });

  it('agrees with ksTwoSample when every value has its own bin', () => {
    const a = [0, 0, 1, 3, 3, 3];
    const b = [1, 2, 2, 3];
    expect(ksFromCounts([2, 1, 0, 3], [0, 1, 2, 1])).toEqual(ksTwoSample(a, b));
  });

  it('refuses mismatched, fractional or empty histograms', () => {
    expect(() => ksFromCounts([1, 2], [1])).toThrow(RangeError);
    expect(() => ksFromCounts([1.5, 2], [1, 1])).toThrow(RangeError);
    expect(() => ksFromCounts([0, 0], [1, 1])).toThrow(RangeError);
  });
});

describe('ksPValue', () => {
  it('rounds the effective size half to even on the asymptotic path, as numpy does', () => {
    // 10001 and 10001: n = 5000.5, which numpy rounds to 5000.
    expect(ksPValue(0.02, 10_001, 10_001).pValue).toBe(kstwoSurvival(0.02, 5000));
    expect(ksPValue(0.02, 10_001, 10_001).pValue).not.toBe(kstwoSurvival(0.02, 5001));
  });
});

describe('kstwoSurvival', () => {
  it.each(fixtures.kstwo)('matches kstwo.sf(d=$d, n=$n)', ({ n, d, sf }) => {
    expect(relativeError(kstwoSurvival(d, n), sf), `${kstwoSurvival(d, n)} vs ${sf}`).toBeLessThanOrEqual(1e-9);
  });

  it('falls from 1 to 0 as d grows', () => {
    for (const n of [3, 50, 1000]) {
      let previous = 1;
      for (let d = 0; d <= 1; d += 0.01) {
        const sf = kstwoSurvival(d, n);
        expect(sf).toBeLessThanOrEqual(previous + 1e-12);
        previous = sf;
      }
      expect(kstwoSurvival(1, n)).toBe(0);
    }
  });
});

describe('smirnovSurvival', () => {
  it.each(fixtures.special.smirnov)('matches scipy.special.smirnov($n, $d)', ({ n, d, value }) => {
    expect(relativeError(smirnovSurvival(n, d), value), `${smirnovSurvival(n, d)} vs ${value}`).toBeLessThanOrEqual(1e-9);
  });
});
