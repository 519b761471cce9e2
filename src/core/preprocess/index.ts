/**
 * Entry point of preprocessing: a model's input preparation, looked up by the
 * id its manifest names, and the raster helpers.
 */
import { InputError } from '../errors';
import { MNIST_COM_ID, preprocessMnistCom } from './mnist-com';
import type { InkRaster } from './raster';

export type Preprocessor = (raster: InkRaster) => Float32Array;

/** Preprocessing ids a model manifest may name, and the code that implements each. */
const PREPROCESSORS: Readonly<Record<string, Preprocessor>> = {
  [MNIST_COM_ID]: (raster) => preprocessMnistCom(raster),
};

export const KNOWN_PREPROCESSING_IDS: readonly string[] = Object.keys(PREPROCESSORS);

export function getPreprocessor(id: string): Preprocessor {
  const preprocessor = PREPROCESSORS[id];
  if (!preprocessor) {
    throw new InputError(`unknown preprocessing id "${id}"; known: ${KNOWN_PREPROCESSING_IDS.join(', ')}`);
  }
  return preprocessor;
}

export { createInkRaster, inkFromRgba, INK_POLARITIES, type InkRaster, type InkPolarity } from './raster';
export { preprocessMnistCom, MNIST_COM_ID } from './mnist-com';
export { dequantizeInput, quantizeInput } from './input-bytes';
