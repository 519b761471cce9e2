/**
 * The handwriting features on synthetic images whose answers are known: a
 * filled box, thin and thick strokes, strokes leaning right and left, an empty
 * image, and inputs that are not clean ink.
 */
import { describe, expect, it } from 'vitest';
import { FEATURE_DESCRIPTIONS, FEATURE_NAMES, handwritingFeatures, type FeatureName } from './handwriting';

const H = 28;
const W = 28;

/** A blank image and a way to ink pixels in it. */
function canvas(): { pixels: Float32Array; ink: (y: number, x: number, v?: number) => void } {
  const pixels = new Float32Array(H * W);
  return { pixels, ink: (y, x, v = 1) => void (pixels[y * W + x] = v) };
}

function features(pixels: ArrayLike<number>): Record<FeatureName, number> {
  const values = handwritingFeatures(pixels, H, W);
  return Object.fromEntries(FEATURE_NAMES.map((name, i) => [name, values[i]])) as Record<FeatureName, number>;
}

/** A horizontal bar `thickness` rows high and `length` columns long. */
function bar(thickness: number, length: number): Float32Array {
  const { pixels, ink } = canvas();
  for (let y = 10; y < 10 + thickness; y++) for (let x = 4; x < 4 + length; x++) ink(y, x);
  return pixels;
}

/** A stroke 2 px wide and 20 rows high whose column moves `shift` px per row down the image. */
function sheared(shift: number): Float32Array {
  const { pixels, ink } = canvas();
  for (let y = 4; y < 24; y++) {
    const x = 13 + Math.round((y - 14) * shift);
    ink(y, x);
    ink(y, x + 1);
  }
  return pixels;
}

describe('handwritingFeatures', () => {
  it('names and describes every feature, one value each', () => {
    expect(FEATURE_NAMES).toEqual(Object.keys(FEATURE_DESCRIPTIONS));
    expect(handwritingFeatures(bar(2, 10), H, W)).toHaveLength(FEATURE_NAMES.length);
  });

  it('measures a filled box: mass, box, aspect, no slant, centroid', () => {
    const { pixels, ink } = canvas();
    // 7 columns (x 7..13) by 14 rows (y 0..13): left half of the top half.
    for (let y = 0; y < 14; y++) for (let x = 7; x < 14; x++) ink(y, x);
    const f = features(pixels);
    expect(f.ink_mass).toBeCloseTo((7 * 14) / (H * W), 12);
    expect(f.box_width).toBeCloseTo(7 / W, 12);
    expect(f.box_height).toBeCloseTo(14 / H, 12);
    expect(f.aspect).toBeCloseTo(2, 12);
    expect(f.slant).toBe(0);
    expect(f.centroid_x).toBeCloseTo(10.5 / W - 0.5, 12);
    expect(f.centroid_y).toBeCloseTo(7 / H - 0.5, 12);
    // Area over half the outline: 7*14 / (7+14), a little more as the corners are cut.
    expect(f.stroke_thickness).toBeGreaterThan((7 * 14) / 21);
    expect(f.stroke_thickness).toBeLessThan((7 * 14) / 21 + 0.2);
  });

  it('gives a thin stroke about 1 px and a thick one about 3 px', () => {
    // A t x L bar has area tL and an outline of 2(L + t) less 4 - 2 sqrt(2) for its four cut corners.
    const expected = (t: number, l: number) => (2 * t * l) / (2 * (l + t) - (4 - 2 * Math.SQRT2));
    expect(features(bar(1, 20)).stroke_thickness).toBeCloseTo(expected(1, 20), 9);
    expect(features(bar(3, 20)).stroke_thickness).toBeCloseTo(expected(3, 20), 9);
    expect(features(bar(1, 20)).stroke_thickness).toBeCloseTo(1, 1);
    expect(features(bar(3, 20)).stroke_thickness / features(bar(1, 20)).stroke_thickness).toBeGreaterThan(2.5);
  });

  it('measures a diagonal stroke across its width, as a straight one', () => {
    // Two pixels per row, one column further each row: 45 degrees, so sqrt(2) px across instead of 2.
    const ratio = features(sheared(1)).stroke_thickness / features(sheared(0)).stroke_thickness;
    expect(ratio).toBeCloseTo(Math.SQRT1_2, 1);
  });

  it('measures slant as the shift per unit of height: right-leaning positive, left-leaning negative', () => {
    // The column decreases down the image: the top is to the right, "/".
    expect(features(sheared(-1)).slant).toBeCloseTo(1, 9);
    expect(features(sheared(1)).slant).toBeCloseTo(-1, 9);
    expect(features(sheared(-0.5)).slant).toBeCloseTo(0.5, 1);
    expect(features(sheared(0)).slant).toBe(0);
  });

  it('gives an empty image defined values: all zero, no NaN', () => {
    expect(handwritingFeatures(new Float32Array(H * W), H, W)).toEqual(FEATURE_NAMES.map(() => 0));
  });

  it('gives a single row no slant rather than dividing by zero', () => {
    const f = features(bar(1, 20));
    expect(f.slant).toBe(0);
    expect(f.aspect).toBeCloseTo(1 / 20, 12);
  });

  it('clamps ink outside [0,1] and treats NaN as no ink', () => {
    const { pixels, ink } = canvas();
    for (let x = 4; x < 24; x++) ink(10, x, 5);
    ink(0, 0, Number.NaN);
    ink(27, 27, -3);
    expect(handwritingFeatures(pixels, H, W)).toEqual(handwritingFeatures(bar(1, 20), H, W));
  });

  it('keeps faint ink out of the box but in the mass', () => {
    const { pixels, ink } = canvas();
    for (let x = 0; x < W; x++) ink(5, x, 0.05);
    const f = features(pixels);
    expect(f.ink_mass).toBeCloseTo((0.05 * W) / (H * W), 7);
    expect([f.box_width, f.box_height, f.aspect]).toEqual([0, 0, 0]);
  });

  it('works on images that are not square', () => {
    const pixels = new Float32Array(10 * 40);
    for (let x = 0; x < 40; x++) pixels[3 * 40 + x] = 1;
    const [mass, width, height] = handwritingFeatures(pixels, 10, 40);
    expect([mass, width, height]).toEqual([40 / 400, 1, 1 / 10]);
  });

  it('refuses a pixel count that does not match the size', () => {
    expect(() => handwritingFeatures(new Float32Array(10), 3, 3)).toThrow(RangeError);
  });
});
