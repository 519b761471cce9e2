/**
 * Wilson intervals against SciPy 1.10's binomtest(k, n).proportion_ci(method='wilson')
 * (1e-12 relative), at k = 0, k = n, n = 1 and large n.
 */
import { describe, expect, it } from 'vitest';
import { fixtures, relativeError } from './fixtures/scipy';
import { wilsonInterval } from './wilson';

describe('wilsonInterval', () => {
  it.each(fixtures.wilson)('matches SciPy for $successes of $trials at $confidence', ({ successes, trials, confidence, low, high }) => {
    const ci = wilsonInterval(successes, trials, confidence);
    expect(relativeError(ci.low, low), `low ${ci.low} vs ${low}`).toBeLessThanOrEqual(1e-12);
    expect(relativeError(ci.high, high), `high ${ci.high} vs ${high}`).toBeLessThanOrEqual(1e-12);
  });

  it('contains the observed proportion, narrows with n and widens with confidence', () => {
    for (const [k, n] of [
      [0, 5],
      [3, 9],
      [9, 9],
    ] as const) {
      const ci = wilsonInterval(k, n);
      expect(ci.low).toBeLessThanOrEqual(k / n);
      expect(ci.high).toBeGreaterThanOrEqual(k / n);
    }
    const width = (k: number, n: number, c?: number): number => {
      const ci = wilsonInterval(k, n, c);
      return ci.high - ci.low;
    };
    expect(width(30, 100)).toBeLessThan(width(3, 10));
    expect(width(30, 100, 0.99)).toBeGreaterThan(width(30, 100));
  });

  it('returns [0, 1] without trials and refuses impossible counts', () => {
    expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 1 });
    expect(() => wilsonInterval(5, 4)).toThrow(RangeError);
    expect(() => wilsonInterval(1.5, 4)).toThrow(RangeError);
    expect(() => wilsonInterval(1, 4, 1)).toThrow(RangeError);
  });
});
