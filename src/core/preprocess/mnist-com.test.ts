/**
 * The MNIST normalization of drawings: empty or non-finite input is refused,
 * the size, position and pen width of the ink are normalized away, and RGBA
 * reads as ink either way round.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors';
import { inkBounds, preprocessMnistCom } from './mnist-com';
import { createInkRaster, inkFromRgba } from './raster';

/** A raster with ink painted by `paint(x, y)`. */
function raster(width: number, height: number, paint: (x: number, y: number) => number) {
  const r = createInkRaster(width, height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) r.data[y * width + x] = paint(x, y);
  return r;
}

/** A stroke from (x0,y0) to (x1,y1) of the given half width. */
const stroke = (x0: number, y0: number, x1: number, y1: number, half: number) => (x: number, y: number) => {
  const dx = x1 - x0;
  const dy = y1 - y0;
  const t = Math.max(0, Math.min(1, ((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - (x0 + t * dx), y - (y0 + t * dy)) <= half ? 1 : 0;
};

function centreOfMass(field: Float32Array) {
  let m = 0;
  let sx = 0;
  let sy = 0;
  field.forEach((v, i) => {
    m += v;
    sx += ((i % 28) + 0.5) * v;
    sy += (Math.floor(i / 28) + 0.5) * v;
  });
  return { x: sx / m, y: sy / m };
}

function bounds(field: Float32Array) {
  const b = inkBounds(createInkRaster(28, 28, field), 0.1);
  if (!b) throw new Error('no ink');
  return b;
}

describe('mnist-28x28-com preprocessing', () => {
  it('refuses an empty drawing with a clear message', () => {
    expect(() => preprocessMnistCom(createInkRaster(280, 280))).toThrow(InputError);
    expect(() => preprocessMnistCom(createInkRaster(280, 280))).toThrow(/drawing is empty/);
  });

  it('refuses non-finite values', () => {
    const r = raster(10, 10, () => 0.5);
    r.data[3] = Number.NaN;
    expect(() => preprocessMnistCom(r)).toThrow(/not a finite number/);
  });

  it('scales a tiny drawing up so its longer side is 20 px, centred by mass', () => {
    const tiny = raster(300, 300, (x, y) => (x >= 40 && x < 44 && y >= 30 && y < 36 ? 1 : 0)); // 4x6 blob in a corner
    const out = preprocessMnistCom(tiny);
    expect(out).toHaveLength(784);
    const b = bounds(out);
    expect(b.height).toBe(20);
    expect(b.width).toBeGreaterThanOrEqual(12);
    expect(b.width).toBeLessThanOrEqual(14);
    const com = centreOfMass(out);
    expect(Math.abs(com.x - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(com.y - 14)).toBeLessThanOrEqual(0.5);
  });

  it('gives the same result for the same shape wherever it is drawn', () => {
    const atLeft = preprocessMnistCom(raster(280, 280, stroke(20, 20, 60, 120, 6)));
    const atRight = preprocessMnistCom(raster(280, 280, stroke(200, 140, 240, 240, 6)));
    let diff = 0;
    atLeft.forEach((v, i) => (diff = Math.max(diff, Math.abs(v - (atRight[i] ?? 0)))));
    expect(diff).toBeLessThan(1e-5);
  });

  it('normalizes canvases of any size and any stroke width to full ink', () => {
    for (const [size, half] of [
      [100, 2],
      [280, 1],
      [280, 14],
      [560, 5],
    ] as const) {
      const s = size / 280;
      const out = preprocessMnistCom(raster(size, size, stroke(140 * s, 40 * s, 150 * s, 240 * s, half)));
      expect(Math.max(...out)).toBeCloseTo(1, 5);
      expect(Math.min(...out)).toBeGreaterThanOrEqual(0);
      expect(bounds(out).height).toBe(20);
    }
  });

  it('keeps all ink in the field even when the mass is far off the box centre', () => {
    // An "L": a heavy bottom bar pulls the centre of mass down.
    const l = raster(200, 200, (x, y) => Math.max(stroke(20, 10, 20, 190, 4)(x, y), stroke(20, 185, 190, 185, 10)(x, y)));
    const out = preprocessMnistCom(l);
    const total = out.reduce((s, v) => s + v, 0);
    expect(total).toBeGreaterThan(40);
    const b = bounds(out);
    expect(b.x).toBeGreaterThanOrEqual(0);
    expect(b.y + b.height).toBeLessThanOrEqual(28);
  });

  it('leaves an MNIST-normalized digit nearly as it is', () => {
    const digit = preprocessMnistCom(raster(280, 280, stroke(130, 30, 150, 250, 12)));
    const again = preprocessMnistCom(createInkRaster(28, 28, digit));
    let diff = 0;
    digit.forEach((v, i) => (diff += Math.abs(v - (again[i] ?? 0))));
    expect(diff / digit.reduce((s, v) => s + v, 0)).toBeLessThan(0.25);
  });
});

describe('inkFromRgba', () => {
  it('reads dark strokes on a light or transparent canvas as ink', () => {
    const rgba = Uint8ClampedArray.of(0, 0, 0, 255, 255, 255, 255, 255, 0, 0, 0, 0, 0, 0, 0, 128);
    const ink = inkFromRgba(rgba, 4, 1, 'dark-on-light');
    expect(Array.from(ink.data)).toEqual([1, 0, 0, expect.closeTo(128 / 255, 5)]);
  });

  it('reads light strokes on a dark canvas as ink', () => {
    const rgba = Uint8ClampedArray.of(255, 255, 255, 255, 0, 0, 0, 255);
    expect(Array.from(inkFromRgba(rgba, 2, 1, 'light-on-dark').data)).toEqual([1, 0]);
  });

  it('names a size mismatch', () => {
    expect(() => inkFromRgba(new Uint8ClampedArray(12), 2, 2)).toThrow(/12 bytes, expected 2x2x4 = 16/);
  });
});
