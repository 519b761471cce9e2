/**
 * `mnist-28x28-com`: the normalization of the original MNIST digits.
 * Crop to the ink, fit the longer side into 20 px keeping the aspect ratio,
 * then place the result in a 28x28 field with its centre of mass at the centre.
 * Output: 784 values in 0..1, row-major, ink = 1.
 */
import { InputError } from '../errors';
import type { InkRaster } from './raster';
import { resampleArea, type Rect } from './resample';

export const MNIST_COM_ID = 'mnist-28x28-com';
export const FIELD = 28;
export const BOX = 20;

export interface MnistComOptions {
  /** Pixels with more ink than this count when cropping. */
  readonly inkThreshold?: number;
}

export function inkBounds(raster: InkRaster, threshold: number): Rect | null {
  let minX = raster.width;
  let minY = raster.height;
  let maxX = -1;
  let maxY = -1;
  const { data, width } = raster;
  for (let y = 0; y < raster.height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if ((data[row + x] as number) > threshold) {
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
    }
  }
  if (maxX < 0) return null;
  return { x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1 };
}

function centreOfMass(patch: Float32Array, width: number, height: number): { x: number; y: number } {
  let mass = 0;
  let sx = 0;
  let sy = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = patch[y * width + x] ?? 0;
      mass += v;
      sx += (x + 0.5) * v;
      sy += (y + 0.5) * v;
    }
  }
  return { x: sx / mass, y: sy / mass };
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

export function preprocessMnistCom(raster: InkRaster, options: MnistComOptions = {}): Float32Array {
  const threshold = options.inkThreshold ?? 0.1;
  const data = raster.data;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) throw new InputError('the drawing holds a value that is not a finite number');
  }
  const bounds = inkBounds(raster, threshold);
  if (!bounds) throw new InputError(`the drawing is empty: no pixel has more ink than ${threshold}`);

  const scale = BOX / Math.max(bounds.width, bounds.height);
  const width = clamp(Math.round(bounds.width * scale), 1, BOX);
  const height = clamp(Math.round(bounds.height * scale), 1, BOX);
  const patch = resampleArea(raster.data, raster.width, bounds, width, height);

  // Thin strokes on a large canvas average out faint: restore full ink.
  let peak = 0;
  for (const v of patch) peak = Math.max(peak, v);
  for (let i = 0; i < patch.length; i++) patch[i] = Math.min(1, Math.max(0, (patch[i] ?? 0) / peak));

  const com = centreOfMass(patch, width, height);
  // Integer offsets keep strokes crisp; the clamp keeps all ink in the field.
  const left = clamp(Math.round(FIELD / 2 - com.x), 0, FIELD - width);
  const top = clamp(Math.round(FIELD / 2 - com.y), 0, FIELD - height);
  const out = new Float32Array(FIELD * FIELD);
  for (let y = 0; y < height; y++) {
    out.set(patch.subarray(y * width, (y + 1) * width), (top + y) * FIELD + left);
  }
  return out;
}
