/**
 * Jensen-Shannon distance against scipy.spatial.distance.jensenshannon
 * (1e-12 relative), including zeros on either side and other bases.
 */
import { describe, expect, it } from 'vitest';
import { fixtures, relativeError } from './fixtures/scipy';
import { jensenShannonDistance } from './jensen-shannon';

describe('jensenShannonDistance', () => {
  it.each(fixtures.jensenShannon)('matches jensenshannon: $name', ({ p, q, base, distance }) => {
    const value = base === null ? jensenShannonDistance(p, q) : jensenShannonDistance(p, q, base);
    expect(relativeError(value, distance), `${value} vs ${distance}`).toBeLessThanOrEqual(1e-12);
  });

  it('is symmetric, zero for proportional inputs and at most 1 in base 2', () => {
    const p = [3, 0, 1, 6];
    const q = [1, 2, 2, 0];
    expect(jensenShannonDistance(p, q)).toBe(jensenShannonDistance(q, p));
    expect(
      jensenShannonDistance(
        p,
        p.map((v) => v * 7),
      ),
    ).toBeLessThan(1e-8);
    expect(jensenShannonDistance([1, 0], [0, 1], 2)).toBeCloseTo(1, 15);
  });

  it('refuses mismatched, negative or empty inputs and bad bases', () => {
    expect(() => jensenShannonDistance([1], [1, 2])).toThrow(RangeError);
    expect(() => jensenShannonDistance([1, -1], [1, 2])).toThrow(RangeError);
    expect(() => jensenShannonDistance([0, 0], [1, 2])).toThrow(RangeError);
    expect(() => jensenShannonDistance([1, 1], [1, 2], 1)).toThrow(RangeError);
  });
});
