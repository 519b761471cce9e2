/**
 * One image instance to the model's input: a PNG whose chunks and header were
 * checked is inflated and decoded, its ink read with the polarity asked for,
 * and the model's preprocessing applied. Runs in a decoding thread; errors are
 * the keyed API's, naming the field.
 */
import { ServiceError } from '../../../src/core/api/errors';
import { InputError } from '../../../src/core/errors';
import { getPreprocessor, inkFromRgba, type InkPolarity } from '../../../src/core/preprocess';
import { decodePng, type CheckedPng } from '../inference/png';

export interface ImageJob {
  /** The PNG as checked by `checkPngBase64`. */
  readonly png: CheckedPng;
  readonly ink: InkPolarity;
  /** The preprocessing id of the model's manifest entry. */
  readonly preprocessing: string;
}

export function imageToInput({ png, ink, preprocessing }: ImageJob): Float32Array {
  const image = decodePng(png);
  try {
    const raster = inkFromRgba(image.rgba, image.width, image.height, ink);
    return getPreprocessor(preprocessing)(raster);
  } catch (error) {
    if (error instanceof InputError) throw new ServiceError('INVALID_IMAGE', `${png.field}: ${error.message}`);
    throw error;
  }
}
