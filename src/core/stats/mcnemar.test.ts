/**
 * Exact McNemar against scipy.stats.binomtest(min(b, c), b + c, 0.5).pvalue
 * (1e-10 relative: SciPy's binomial cdf comes from Boost's incomplete beta,
 * ours from summed masses), from no discordant pairs to half a million,
 * with one count 0 or 1 and p-values down to 1e-301 and to 0; and the
 * discordant counts of paired predictions.
 */
import { describe, expect, it } from 'vitest';
import { fixtures, relativeError } from './fixtures/scipy';
import { discordantCounts, mcnemarExact, mcnemarPaired, type PairedPrediction } from './mcnemar';

describe('mcnemarExact', () => {
  it.each(fixtures.mcnemar)('matches binomtest for b=$b, c=$c', ({ b, c, statistic, pValue }) => {
    const r = mcnemarExact(b, c);
    expect(r.statistic).toBe(statistic);
    expect(relativeError(r.pValue, pValue), `p ${r.pValue} vs ${pValue}`).toBeLessThanOrEqual(1e-10);
  });

  it('covers the grid the paired gate needs', () => {
    const counts = fixtures.mcnemar.map(({ b, c }) => b + c);
    expect(Math.max(...counts)).toBeGreaterThanOrEqual(100_000);
    expect(fixtures.mcnemar.filter(({ b, c }) => b === 0 || c === 0).length).toBeGreaterThanOrEqual(4);
  });

  it('is symmetric in b and c', () => {
    expect(mcnemarExact(4, 15)).toEqual(mcnemarExact(15, 4));
    expect(mcnemarExact(49_000, 51_000)).toEqual(mcnemarExact(51_000, 49_000));
  });

  it('gives 2 / 2^n when every discordant pair goes one way', () => {
    expect(mcnemarExact(0, 10).pValue).toBe(2 / 1024);
  });

  it('falls as the split grows more uneven at a fixed number of discordant pairs', () => {
    const ps = [50_000, 49_900, 49_700, 49_500, 49_000].map((b) => mcnemarExact(b, 100_000 - b).pValue);
    for (let i = 1; i < ps.length; i++) expect(ps[i]).toBeLessThan(ps[i - 1] ?? 0);
  });

  it('gives p 1 without discordant pairs and refuses fractional counts', () => {
    expect(mcnemarExact(0, 0)).toEqual({ statistic: 0, pValue: 1 });
    expect(() => mcnemarExact(1.5, 2)).toThrow(RangeError);
    expect(() => mcnemarExact(-1, 2)).toThrow(RangeError);
  });
});

describe('paired predictions', () => {
  const pairs: PairedPrediction<string>[] = [
    { label: '1', first: '1', second: '1' }, // both right
    { label: '2', first: '3', second: '5' }, // both wrong
    { label: '4', first: '4', second: '9' }, // b
    { label: '4', first: '4', second: '7' }, // b
    { label: '7', first: '1', second: '7' }, // c
  ];

  it('counts the discordant pairs: b first right and second wrong, c the reverse', () => {
    expect(discordantCounts(pairs)).toEqual({ pairs: 5, b: 2, c: 1 });
    expect(discordantCounts([])).toEqual({ pairs: 0, b: 0, c: 0 });
  });

  it('tests them exactly', () => {
    expect(mcnemarPaired(pairs)).toEqual({ b: 2, c: 1, ...mcnemarExact(2, 1) });
    expect(mcnemarPaired([])).toEqual({ b: 0, c: 0, statistic: 0, pValue: 1 });
  });

  it('matches the fixture for generated pairs with the fixture counts', () => {
    const { b, c, pValue } = fixtures.mcnemar.find((f) => f.b === 1200 && f.c === 1300) ?? { b: 0, c: 0, pValue: NaN };
    function* generated(): Generator<PairedPrediction<number>> {
      for (let i = 0; i < b; i++) yield { label: i % 10, first: i % 10, second: (i + 1) % 10 };
      for (let i = 0; i < c; i++) yield { label: i % 10, first: (i + 3) % 10, second: i % 10 };
      for (let i = 0; i < 5000; i++) yield { label: i % 10, first: i % 10, second: i % 10 };
    }
    const r = mcnemarPaired(generated());
    expect([r.b, r.c]).toEqual([b, c]);
    expect(relativeError(r.pValue, pValue)).toBeLessThanOrEqual(1e-10);
  });
});
