/** Area resampling keeps the mean ink when shrinking, at fractional scales, and when enlarging. */
import { describe, expect, it } from 'vitest';
import { resampleArea } from './resample';

describe('resampleArea', () => {
  it('averages the covered area when shrinking', () => {
    const src = Float32Array.of(1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1);
    const out = resampleArea(src, 4, { x: 0, y: 0, width: 4, height: 4 }, 2, 2);
    expect(Array.from(out)).toEqual([0.75, 0, 0, 1]);
  });

  it('keeps the mean over a fractional scale', () => {
    const src = Float32Array.from({ length: 49 }, (_, i) => ((i * 37) % 11) / 10);
    const out = resampleArea(src, 7, { x: 0, y: 0, width: 7, height: 7 }, 3, 3);
    const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(out)).toBeCloseTo(mean(src), 5);
  });

  it('enlarges a single pixel to a uniform block', () => {
    const out = resampleArea(Float32Array.of(0, 0.5, 0, 0), 2, { x: 1, y: 0, width: 1, height: 1 }, 3, 3);
    expect(Array.from(out)).toEqual(new Array(9).fill(0.5));
  });
});
