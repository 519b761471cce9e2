/**
 * Instances of the keyed API: `{"key": "...", "pixels": [...]}` carries the
 * model's input as is (what the app's preprocessing produced);
 * `{"key": "...", "image": "<base64 PNG>"}` carries a drawing of any size,
 * which goes through the same preprocessing as in the app.
 */
import { InputError } from '../../../src/core/errors';
import { ServiceError } from '../../../src/core/api/errors';
import { MAX_KEY_LENGTH } from '../../../src/core/api/predict';
import { getPreprocessor, inkFromRgba, INK_POLARITIES, type InkPolarity } from '../../../src/core/preprocess';
import type { ServingModel } from '../model';
import { isRecord, quoteNames, quoteValue } from './json';
import { checkPngBase64, decodePng } from './png';

export interface ParsedInstance {
  readonly key: string;
  readonly input: Float32Array;
}

const FIELDS = new Set(['key', 'pixels', 'image', 'ink']);

function pixelsInput(values: unknown, model: ServingModel, field: string): Float32Array {
  if (!Array.isArray(values)) throw new ServiceError('INVALID_REQUEST', `${field} must be an array of ${model.rowSize} numbers in 0..1`);
  if (values.length !== model.rowSize) {
    throw new ServiceError(
      'INVALID_REQUEST',
      `${field} has ${values.length} values; model ${model.entry.name} takes ${model.rowSize} (${model.input.shape.slice(1).join('x')})`,
    );
  }
  const input = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v: unknown = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) {
      throw new ServiceError('INVALID_REQUEST', `${field}[${i}] must be a number in 0..1, got ${quoteValue(v)}`);
    }
    input[i] = v;
  }
  return input;
}

/** Decoded pixels of the images of one request so far, against MAX_IMAGE_PIXELS. */
interface PixelBudget {
  readonly limit: number;
  used: number;
}

function imageInput(instance: Record<string, unknown>, model: ServingModel, field: string, budget: PixelBudget): Float32Array {
  if (typeof instance['image'] !== 'string') throw new ServiceError('INVALID_REQUEST', `${field}.image must be a base64 PNG string`);
  const ink = instance['ink'] ?? 'dark-on-light';
  if (!INK_POLARITIES.includes(ink as InkPolarity)) throw new ServiceError('INVALID_REQUEST', `${field}.ink must be one of ${INK_POLARITIES.join(', ')}`);
  // The header gives the size; the budget is charged before the image is inflated or decoded.
  const png = checkPngBase64(instance['image'], `${field}.image`);
  budget.used += png.width * png.height;
  if (budget.used > budget.limit) {
    throw new ServiceError(
      'INVALID_IMAGE',
      `${field}.image brings the request's images to ${budget.used} pixels, over the budget of ${budget.limit} pixels per request (MAX_IMAGE_PIXELS)`,
    );
  }
  const image = decodePng(png);
  try {
    const raster = inkFromRgba(image.rgba, image.width, image.height, ink as InkPolarity);
    return getPreprocessor(model.entry.preprocessing.id)(raster);
  } catch (error) {
    if (error instanceof InputError) throw new ServiceError('INVALID_IMAGE', `${field}.image: ${error.message}`);
    throw error;
  }
}

/**
 * Checks every instance; the first problem is a 400 that names the instance
 * and field. The images of the request together may hold at most
 * `maxImagePixels` pixels.
 */
export function parseInstances(instances: unknown, model: ServingModel, maxInstances: number, signature: string, maxImagePixels: number): ParsedInstance[] {
  if (!Array.isArray(instances)) throw new ServiceError('INVALID_REQUEST', '"instances" must be an array of {"key", "pixels" | "image"} objects');
  if (instances.length === 0) throw new ServiceError('INVALID_REQUEST', '"instances" is empty; send at least one');
  if (instances.length > maxInstances) {
    throw new ServiceError('TOO_MANY_INSTANCES', `${instances.length} instances in one request; the limit for signature "${signature}" is ${maxInstances}`);
  }
  const seen = new Set<string>();
  const budget: PixelBudget = { limit: maxImagePixels, used: 0 };
  return instances.map((instance: unknown, i) => {
    const field = `instances[${i}]`;
    if (!isRecord(instance)) throw new ServiceError('INVALID_REQUEST', `${field} must be an object with "key" and "pixels" or "image"`);
    const unknown = Object.keys(instance).filter((k) => !FIELDS.has(k));
    if (unknown.length > 0) throw new ServiceError('INVALID_REQUEST', `${field} has unknown field(s) ${quoteNames(unknown)}`);
    const key = instance['key'];
    if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) {
      throw new ServiceError('INVALID_REQUEST', `${field}.key must be a non-empty string of at most ${MAX_KEY_LENGTH} characters`);
    }
    if (seen.has(key)) throw new ServiceError('INVALID_REQUEST', `${field}.key ${quoteValue(key)} is repeated; keys must be unique within a request`);
    seen.add(key);
    const hasPixels = 'pixels' in instance;
    if (hasPixels === 'image' in instance) throw new ServiceError('INVALID_REQUEST', `${field} must have exactly one of "pixels" or "image"`);
    return { key, input: hasPixels ? pixelsInput(instance['pixels'], model, `${field}.pixels`) : imageInput(instance, model, field, budget) };
  });
}
