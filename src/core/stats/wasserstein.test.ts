/**
 * Wasserstein distances against scipy.stats.wasserstein_distance, without and
 * with weights (1e-12 relative: both sum the same terms, in a different
 * order), and Evidently's normalization by the reference's standard deviation.
 */
import { describe, expect, it } from 'vitest';
import { fixtures, relativeError } from './fixtures/scipy';
import { normalizedWasserstein, wasserstein1, wassersteinFromCounts } from './wasserstein';

describe('wasserstein1', () => {
  it.each(fixtures.wasserstein.samples)('matches wasserstein_distance: $name', ({ a, b, distance, normalized }) => {
    expect(relativeError(wasserstein1(a, b), distance), `${wasserstein1(a, b)} vs ${distance}`).toBeLessThanOrEqual(1e-12);
    expect(relativeError(normalizedWasserstein(a, b), normalized), `normalized ${normalizedWasserstein(a, b)} vs ${normalized}`).toBeLessThanOrEqual(1e-12);
  });

  it('is the shift between a sample and its translate, and symmetric', () => {
    const a = [0.3, -1.2, 4, 2.5, 2.5];
    expect(
      wasserstein1(
        a,
        a.map((v) => v + 1.5),
      ),
    ).toBeCloseTo(1.5, 14);
    expect(wasserstein1([1, 7, 3], a)).toBe(wasserstein1(a, [1, 7, 3]));
    expect(wasserstein1(a, [...a].reverse())).toBe(0);
  });

  it('floors the normalizing spread at 0.001 for a constant reference', () => {
    expect(normalizedWasserstein([2, 2, 2], [2, 2, 3])).toBeCloseTo(1 / 3 / 0.001, 9);
  });

  it('refuses empty or non-finite samples', () => {
    expect(() => wasserstein1([], [1])).toThrow(RangeError);
    expect(() => wasserstein1([1], [Infinity])).toThrow(RangeError);
  });
});

describe('wassersteinFromCounts', () => {
  it.each(fixtures.wasserstein.weighted)('matches wasserstein_distance with weights: $name', ({ points, reference, current, distance }) => {
    const value = wassersteinFromCounts(points, reference, current);
    expect(relativeError(value, distance), `${value} vs ${distance}`).toBeLessThanOrEqual(1e-12);
  });

  it('equals the distance between the expanded samples', () => {
    const points = [0.5, 2, -1];
    const reference = [2, 0, 3];
    const current = [1, 4, 1];
    const expand = (counts: number[]): number[] => points.flatMap((p, i) => Array<number>(counts[i] ?? 0).fill(p));
    expect(wassersteinFromCounts(points, reference, current)).toBeCloseTo(wasserstein1(expand(reference), expand(current)), 14);
  });

  it('refuses mismatched lengths, negative counts and empty sides', () => {
    expect(() => wassersteinFromCounts([1, 2], [1], [1, 1])).toThrow(RangeError);
    expect(() => wassersteinFromCounts([1, 2], [1, -1], [1, 1])).toThrow(RangeError);
    expect(() => wassersteinFromCounts([1, 2], [0, 0], [1, 1])).toThrow(RangeError);
  });
});
