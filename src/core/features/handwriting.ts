/**
 * Summary features of one drawing as the model sees it (one channel, ink in
 * [0,1], row-major): how much ink, how big and how shaped its box is, how it
 * slants, how thick the strokes are and where the ink sits. They are the input
 * side of drift detection: each moves when users draw differently (bolder
 * pens, smaller or slanted writing), whatever the labels are. The same code
 * runs in the PWA, on the server and in training, so it is isomorphic.
 *
 * Coordinates: pixel (row y, column x) covers [x, x+1) x [y, y+1); its centre
 * is (x+0.5, y+0.5). Values outside [0,1] or not finite are clamped (NaN as
 * 0), so a feature is never NaN. An image without ink has every feature 0.
 */

/** A pixel counts towards the inked box above this ink (the preprocessing's own crop level, so faint resampling fringes do not widen the box). */
export const BOX_INK_THRESHOLD = 0.1;

export const FEATURE_NAMES = ['ink_mass', 'box_width', 'box_height', 'aspect', 'slant', 'stroke_thickness', 'centroid_x', 'centroid_y'] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];

export const FEATURE_DESCRIPTIONS: Readonly<Record<FeatureName, string>> = {
  ink_mass: 'sum of ink over the pixel count (0 empty, 1 all ink)',
  box_width: `width of the box around pixels with ink above ${BOX_INK_THRESHOLD}, as a share of the image width (preprocessing that rescales the drawing, as mnist-28x28-com does to a 20 px longer side, pins the longer side: then the shorter side and aspect move)`,
  box_height: `height of the box around pixels with ink above ${BOX_INK_THRESHOLD}, as a share of the image height (pinned like box_width when the preprocessing rescales)`,
  aspect: 'box height over box width, in pixels (0 without ink)',
  slant:
    'shear of the ink, mu11/mu02 of its second central moments with y pointing up: horizontal shift per unit of height, > 0 leaning right like italics, < 0 leaning left (0 without vertical extent)',
  stroke_thickness:
    'mean stroke width in pixels: 2 x ink sum / perimeter, the perimeter being the total variation of the ink (gradient magnitude on 2x2 blocks, zero outside the image); a long stroke of width t at any angle gives about t',
  centroid_x: 'centre of mass of the ink minus the image centre, as a share of the width (> 0 right of centre)',
  centroid_y: 'centre of mass of the ink minus the image centre, as a share of the height (> 0 below centre, rows grow downward)',
};

function inkAt(pixels: ArrayLike<number>, index: number): number {
  const v = pixels[index] ?? 0;
  // NaN fails both comparisons and becomes 0; infinities clamp.
  return v > 0 ? (v < 1 ? v : 1) : 0;
}

/**
 * Total variation of the ink: the length of the ink's outline for a binary
 * image, and its smooth generalisation for anti-aliased strokes. The gradient
 * is taken on each 2x2 block (mean of its two column and two row differences)
 * and its magnitude summed: unlike |gx|+|gy| or single-pixel differences, that
 * measures a 45-degree pixel staircase at its true length, so diagonal strokes
 * do not look thinner. Blocks reach one pixel past each border, where ink is
 * 0, so ink touching the border is outlined too.
 */
function perimeter(ink: Float64Array, height: number, width: number): number {
  // The ink inside a border of blank pixels, so the blocks need no bounds checks.
  const w = width + 2;
  const padded = new Float64Array((height + 2) * w);
  for (let y = 0; y < height; y++) padded.set(ink.subarray(y * width, (y + 1) * width), (y + 1) * w + 1);
  let total = 0;
  for (let y = 0; y <= height; y++) {
    for (let x = 0; x <= width; x++) {
      const i = y * w + x;
      const a = padded[i] as number;
      const b = padded[i + 1] as number;
      const c = padded[i + w] as number;
      const d = padded[i + w + 1] as number;
      const gx = b + d - a - c;
      const gy = c + d - a - b;
      // Math.sqrt, not Math.hypot: several times faster, and no overflow is possible for ink in [0, 1].
      if (gx !== 0 || gy !== 0) total += Math.sqrt(gx * gx + gy * gy) / 2;
    }
  }
  return total;
}

/** The features of one image, in FEATURE_NAMES order. */
export function handwritingFeatures(pixels: ArrayLike<number>, height: number, width: number): number[] {
  if (!(Number.isInteger(height) && Number.isInteger(width) && height > 0 && width > 0) || pixels.length !== height * width) {
    throw new RangeError(`expected ${height} x ${width} pixels, got ${pixels.length}`);
  }
  const ink = new Float64Array(height * width);
  let mass = 0;
  let sx = 0;
  let sy = 0;
  let minX = width;
  let minY = height;
  let maxX = -1;
  let maxY = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = inkAt(pixels, y * width + x);
      ink[y * width + x] = v;
      mass += v;
      sx += (x + 0.5) * v;
      sy += (y + 0.5) * v;
      if (v > BOX_INK_THRESHOLD) {
        minX = Math.min(minX, x);
        maxX = Math.max(maxX, x);
        minY = Math.min(minY, y);
        maxY = Math.max(maxY, y);
      }
    }
  }
  if (mass === 0) return FEATURE_NAMES.map(() => 0);

  const cx = sx / mass;
  const cy = sy / mass;
  let mu11 = 0;
  let mu02 = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = ink[y * width + x] ?? 0;
      const dy = y + 0.5 - cy;
      mu11 += (x + 0.5 - cx) * dy * v;
      mu02 += dy * dy * v;
    }
  }
  // Faint ink only (nothing above the box threshold) has mass but no box.
  const boxWidth = maxX < 0 ? 0 : maxX - minX + 1;
  const boxHeight = maxY < 0 ? 0 : maxY - minY + 1;
  // Rows grow downward: negating mu11 makes "top to the right" positive. A
  // single row has no height to shear over; relative tolerance avoids dividing by rounding noise.
  const slant = mu02 > 1e-12 * mass ? -mu11 / mu02 : 0;
  const edge = perimeter(ink, height, width);

  const values: Record<FeatureName, number> = {
    ink_mass: mass / (height * width),
    box_width: boxWidth / width,
    box_height: boxHeight / height,
    aspect: boxWidth > 0 ? boxHeight / boxWidth : 0,
    slant: slant === 0 ? 0 : slant, // never -0, so JSON and comparisons see one zero
    stroke_thickness: edge > 0 ? (2 * mass) / edge : 0,
    centroid_x: cx / width - 0.5,
    centroid_y: cy / height - 0.5,
  };
  return FEATURE_NAMES.map((name) => values[name]);
}
