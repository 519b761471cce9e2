/**
 * PSI against NumPy following Evidently's get_binned_data and psi (1e-12
 * relative; 1e-15 absolute where PSI is 0), including both of its rules for
 * empty bins.
 */
import { describe, expect, it } from 'vitest';
import { fixtures, relativeError } from './fixtures/scipy';
import { populationStabilityIndex } from './psi';

describe('populationStabilityIndex', () => {
  it.each(fixtures.psi)('matches Evidently: $name', ({ reference, current, psi }) => {
    const value = populationStabilityIndex(reference, current);
    if (psi === 0) expect(Math.abs(value)).toBeLessThan(1e-15);
    else expect(relativeError(value, psi), `${value} vs ${psi}`).toBeLessThanOrEqual(1e-12);
  });

  it('is symmetric, non-negative and depends only on shares', () => {
    const r = [5, 0, 12, 30];
    const c = [9, 3, 10, 11];
    expect(populationStabilityIndex(r, c)).toBeCloseTo(populationStabilityIndex(c, r), 14);
    expect(populationStabilityIndex(r, c)).toBeGreaterThan(0);
    expect(
      populationStabilityIndex(
        r,
        r.map((v) => v * 3),
      ),
    ).toBeCloseTo(0, 15);
  });

  it('fills an empty bin with 0.0001 of the total', () => {
    const expected = (0.5 - 0.0001) * Math.log(0.5 / 0.0001) + (0.5 - 1) * Math.log(0.5 / 1);
    expect(populationStabilityIndex([1, 1], [0, 4])).toBeCloseTo(expected, 12);
  });

  it('refuses mismatched or empty histograms', () => {
    expect(() => populationStabilityIndex([1, 2], [1])).toThrow(RangeError);
    expect(() => populationStabilityIndex([0, 0], [1, 2])).toThrow(RangeError);
  });
});
