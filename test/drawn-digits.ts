/**
 * Model inputs for the digits drawn in the shared stroke fixtures, as the app
 * would send them: preprocessed pixels, RGBA drawings, and base64 PNGs.
 */
import { PNG } from 'pngjs';
import { createInkRaster, preprocessMnistCom } from '../src/core/preprocess';
import { DIGIT_STROKES, PAD_SIZE, rasterizeStrokes } from './fixtures/digit-strokes';

/** The model input for a digit drawn on the pad, as the app would send it. */
export function drawnPixels(digit: number, penWidth = 18): number[] {
  const ink = rasterizeStrokes(DIGIT_STROKES[digit] ?? [], penWidth);
  return Array.from(preprocessMnistCom(createInkRaster(PAD_SIZE, PAD_SIZE, ink)));
}

/** A digit drawn on the pad as RGBA: black strokes on white, or white on black. */
export function drawnRgba(digit: number, lightOnDark = false): Uint8Array {
  const ink = rasterizeStrokes(DIGIT_STROKES[digit] ?? [], 18);
  const rgba = new Uint8Array(ink.length * 4);
  ink.forEach((v, i) => {
    const level = lightOnDark ? Math.round(v * 255) : Math.round((1 - v) * 255);
    rgba.set([level, level, level, 255], i * 4);
  });
  return rgba;
}

/** Encodes RGBA pixels as a base64 PNG, as a client of the `image` field would. */
export function encodePngBase64(width: number, height: number, rgba: Uint8Array): string {
  const png = new PNG({ width, height });
  png.data = Buffer.from(rgba);
  return PNG.sync.write(png).toString('base64');
}
