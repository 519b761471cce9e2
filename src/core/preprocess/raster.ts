/**
 * Ink rasters: how a drawing from any source (a canvas, a PNG, raw values)
 * becomes the input that preprocessing reads.
 */
import { InputError } from '../errors';

/**
 * A single-channel image of ink intensity: 0 is background, 1 is full ink.
 * Every preprocessing step starts from one of these, whatever drew it.
 */
export interface InkRaster {
  readonly width: number;
  readonly height: number;
  /** Row-major, length width * height, values in 0..1. */
  readonly data: Float32Array;
}

/** Which way the ink runs in an RGBA drawing. */
export const INK_POLARITIES = ['dark-on-light', 'light-on-dark'] as const;
export type InkPolarity = (typeof INK_POLARITIES)[number];

export function createInkRaster(width: number, height: number, data?: Float32Array): InkRaster {
  if (!Number.isInteger(width) || width <= 0 || !Number.isInteger(height) || height <= 0) {
    throw new InputError(`raster size must be positive integers, got ${width}x${height}`);
  }
  const buffer = data ?? new Float32Array(width * height);
  if (buffer.length !== width * height) {
    throw new InputError(`raster data has ${buffer.length} values, expected ${width}x${height} = ${width * height}`);
  }
  return { width, height, data: buffer };
}

const LUMA_R = 0.299;
const LUMA_G = 0.587;
const LUMA_B = 0.114;

/**
 * Converts RGBA pixels (a canvas's ImageData, a decoded PNG) to ink.
 * Transparent pixels are background: dark ink is composited over white,
 * light ink over black, so a stroke on a transparent canvas counts either way.
 */
export function inkFromRgba(rgba: ArrayLike<number>, width: number, height: number, polarity: InkPolarity = 'dark-on-light'): InkRaster {
  if (rgba.length !== width * height * 4) {
    throw new InputError(`RGBA data has ${rgba.length} bytes, expected ${width}x${height}x4 = ${width * height * 4}`);
  }
  const raster = createInkRaster(width, height);
  const out = raster.data;
  const bytes = rgba as ArrayLike<number> & { readonly [index: number]: number };
  // Hot path (every drawing, every preview): the polarity is settled once, outside the loop.
  const dark = polarity === 'dark-on-light';
  for (let i = 0, p = 0; i < out.length; i++, p += 4) {
    const alpha = (bytes[p + 3] as number) / 255;
    const luma = (LUMA_R * (bytes[p] as number) + LUMA_G * (bytes[p + 1] as number) + LUMA_B * (bytes[p + 2] as number)) / 255;
    out[i] = alpha * (dark ? 1 - luma : luma);
  }
  return raster;
}
