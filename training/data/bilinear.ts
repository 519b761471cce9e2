/**
 * Bilinear sampling of a square single-channel image at a fractional
 * position, blank outside: what the augmentation, the negatives' digits, the
 * staleness stream and the tests' drift transforms warp drawings with.
 */

/** The value of `src` (`size` x `size`, row-major) at (x, y), pixel centres at integers. */
export function sampleBilinear(src: Float32Array, size: number, x: number, y: number): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  if (x0 < -1 || y0 < -1 || x0 >= size || y0 >= size) return 0;
  const fx = x - x0;
  const fy = y - y0;
  const inX0 = x0 >= 0;
  const inX1 = x0 + 1 < size;
  const inY0 = y0 >= 0;
  const inY1 = y0 + 1 < size;
  const row0 = y0 * size;
  const row1 = row0 + size;
  const p00 = inX0 && inY0 ? src[row0 + x0]! : 0;
  const p10 = inX1 && inY0 ? src[row0 + x0 + 1]! : 0;
  const p01 = inX0 && inY1 ? src[row1 + x0]! : 0;
  const p11 = inX1 && inY1 ? src[row1 + x0 + 1]! : 0;
  return p00 * (1 - fx) * (1 - fy) + p10 * fx * (1 - fy) + p01 * (1 - fx) * fy + p11 * fx * fy;
}
