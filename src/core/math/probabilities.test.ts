/**
 * `softmax` sums to one, stays finite for huge logits and splits batches into
 * rows; the gate fires below its threshold, not at or above it.
 */
import { describe, expect, it } from 'vitest';
import { gate } from './gate';
import { argmax, softmax, softmaxRows } from './probabilities';

describe('softmax', () => {
  it('turns logits into probabilities that sum to one, in order', () => {
    const p = softmax([1, 2, 3]);
    expect(p.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6);
    expect(p[2]).toBeCloseTo(Math.exp(3) / (Math.exp(1) + Math.exp(2) + Math.exp(3)), 6);
  });

  it('stays finite for huge logits', () => {
    const p = softmax([1000, 999, -1000]);
    expect(p[0]).toBeCloseTo(1 / (1 + Math.exp(-1)), 6);
    expect(Number.isFinite(p[2])).toBe(true);
  });

  it('splits a batch into rows', () => {
    const rows = softmaxRows([0, 0, 5, -5], 2);
    expect(rows).toHaveLength(2);
    expect(rows[0]?.[0]).toBeCloseTo(0.5, 6);
    expect(argmax(rows[1] ?? [])).toBe(0);
  });
});

describe('gate', () => {
  it('fires below the threshold and not at or above it', () => {
    expect(gate([0.1, 0.6, 0.3], 0.7)).toEqual({ label: 1, confidence: 0.6, escalate: true });
    expect(gate([0.1, 0.7, 0.2], 0.7).escalate).toBe(false);
  });
});
