/**
 * Model inputs for the drawings in the shared stroke fixtures, as the app
 * would send them: preprocessed pixels, RGBA drawings, and base64 PNGs; and
 * the model pack's own description of a model, so tests take the number of
 * classes, the labels and the reject label from the manifest.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { MODEL_PACK_DIR, parseManifest, type ModelEntry } from '../src/core/manifest';
import { createInkRaster, preprocessMnistCom } from '../src/core/preprocess';
import { DIGIT_STROKES, NOT_A_DIGIT_STROKES, PAD_SIZE, rasterizeStrokes, type Stroke } from './fixtures/digit-strokes';

function strokePixels(strokes: readonly Stroke[], penWidth: number): number[] {
  const ink = rasterizeStrokes(strokes, penWidth);
  return Array.from(preprocessMnistCom(createInkRaster(PAD_SIZE, PAD_SIZE, ink)));
}

/** The model input for a digit drawn on the pad, as the app would send it. */
export function drawnPixels(digit: number, penWidth = 18): number[] {
  return strokePixels(DIGIT_STROKES[digit] ?? [], penWidth);
}

/** The model input for the capital A drawn on the pad (NOT_A_DIGIT_STROKES): both models answer it with their reject label. */
export function drawnLetterPixels(penWidth = 18): number[] {
  return strokePixels(NOT_A_DIGIT_STROKES, penWidth);
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

/** A model version as the model pack's manifest describes it (its labels, outputs and reject label). */
export function packModel(name: string, version = '1', packDir = MODEL_PACK_DIR): ModelEntry {
  const manifest = parseManifest(JSON.parse(readFileSync(join(packDir, 'manifest.json'), 'utf8')));
  const entry = manifest.models.find((m) => m.name === name && m.version === version);
  if (!entry) throw new Error(`${name} version ${version} is not in ${packDir}/manifest.json`);
  return entry;
}
