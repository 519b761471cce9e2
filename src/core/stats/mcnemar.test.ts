/**
 * Exact McNemar against scipy.stats.binomtest(min(b, c), b + c, 0.5).pvalue
 * (1e-10 relative: SciPy's binomial cdf comes from Boost's incomplete beta,
 * ours from summed masses), from a handful of discordant pairs to 61000.
 */
import { describe, expect, it } from 'vitest';
import { fixtures, relativeError } from './fixtures/scipy';
import { mcnemarExact } from './mcnemar';

describe('mcnemarExact', () => {
  it.each(fixtures.mcnemar)('matches binomtest for b=$b, c=$c', ({ b, c, statistic, pValue }) => {
    const r = mcnemarExact(b, c);
    expect(r.statistic).toBe(statistic);
    expect(relativeError(r.pValue, pValue), `p ${r.pValue} vs ${pValue}`).toBeLessThanOrEqual(1e-10);
  });

  it('is symmetric in b and c', () => {
    expect(mcnemarExact(4, 15)).toEqual(mcnemarExact(15, 4));
  });

  it('gives 2 / 2^n when every discordant pair goes one way', () => {
    expect(mcnemarExact(0, 10).pValue).toBe(2 / 1024);
  });

  it('gives p 1 without discordant pairs and refuses fractional counts', () => {
    expect(mcnemarExact(0, 0)).toEqual({ statistic: 0, pValue: 1 });
    expect(() => mcnemarExact(1.5, 2)).toThrow(RangeError);
    expect(() => mcnemarExact(-1, 2)).toThrow(RangeError);
  });
});
