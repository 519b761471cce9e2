/**
 * Chi-squared goodness of fit against scipy.stats.chisquare and Evidently's
 * categorical drift test (both 1e-12 relative), including a category new in
 * the current sample (infinite statistic) and one absent from both.
 */
import { describe, expect, it } from 'vitest';
import { chiSquaredGoodnessOfFit, chiSquaredTest } from './chi-squared';
import { fixtures, num, relativeError } from './fixtures/scipy';

describe('chiSquaredGoodnessOfFit', () => {
  it.each(fixtures.chiSquared.goodnessOfFit)('matches chisquare: $name', ({ observed, expected, statistic, pValue, dof }) => {
    const r = chiSquaredGoodnessOfFit(observed, expected);
    expect(r.dof).toBe(dof);
    expect(relativeError(r.statistic, statistic), `statistic ${r.statistic} vs ${statistic}`).toBeLessThanOrEqual(1e-12);
    expect(relativeError(r.pValue, pValue), `p ${r.pValue} vs ${pValue}`).toBeLessThanOrEqual(1e-12);
  });

  it('refuses totals that disagree, as SciPy does', () => {
    expect(() => chiSquaredGoodnessOfFit([10, 10], [10, 11])).toThrow(RangeError);
    expect(() => chiSquaredGoodnessOfFit([1], [1, 2])).toThrow(RangeError);
  });

  it('gives p NaN with a single category, as SciPy does', () => {
    expect(chiSquaredGoodnessOfFit([5], [5]).pValue).toBeNaN();
  });
});

describe('chiSquaredTest', () => {
  it.each(fixtures.chiSquared.drift)("matches Evidently's chisquare stat test: $name", ({ reference, current, statistic, pValue }) => {
    const r = chiSquaredTest(reference, current);
    expect(relativeError(r.statistic, num(statistic)), `statistic ${r.statistic} vs ${statistic}`).toBeLessThanOrEqual(1e-12);
    expect(relativeError(r.pValue, pValue), `p ${r.pValue} vs ${pValue}`).toBeLessThanOrEqual(1e-12);
  });

  it('ignores categories absent from both samples', () => {
    expect(chiSquaredTest([40, 0, 60, 0], [50, 0, 50, 0])).toEqual(chiSquaredTest([40, 60], [50, 50]));
  });

  it('finds nothing to compare in a single category', () => {
    expect(chiSquaredTest([0, 7], [0, 3])).toEqual({ statistic: 0, pValue: 1 });
  });

  it('refuses empty samples and negative counts', () => {
    expect(() => chiSquaredTest([0, 0], [1, 2])).toThrow(RangeError);
    expect(() => chiSquaredTest([1, -2], [1, 2])).toThrow(RangeError);
  });
});
