/**
 * Instances of the keyed API: `{"key": "...", "pixels": [...]}` carries the
 * model's input as is (what the app's preprocessing produced);
 * `{"key": "...", "image": "<base64 PNG>"}` carries a drawing of any size,
 * which goes through the same preprocessing as in the app, decoded off the
 * event loop.
 */
import { ServiceError } from '../../../src/core/api/errors';
import { MAX_KEY_LENGTH } from '../../../src/core/api/predict';
import { INK_POLARITIES, type InkPolarity } from '../../../src/core/preprocess';
import type { ImageJob } from '../decode/decode-image';
import type { ServingModel } from '../model';
import { isRecord, quoteNames, quoteValue } from './json';
import { checkPngBase64 } from './png';

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

/** How the images of a request are decoded, and by when. */
export interface ImageDecoding {
  /** Decodes one checked PNG to the model's input (in a decoding thread); rejects at once when `signal` aborts. */
  readonly decode: (job: ImageJob, signal: AbortSignal) => Promise<Float32Array>;
  /** When decoding must be done, on the `performance.now()` clock; past it, the request fails with DEADLINE_EXCEEDED. */
  readonly deadline: number;
  /** The request deadline, named in that error. */
  readonly timeoutMs: number;
}

/** Checks an image instance and charges its pixels to the budget, by its header alone; decoding comes later. */
function imageJob(instance: Record<string, unknown>, model: ServingModel, field: string, budget: PixelBudget): ImageJob {
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
  return { png, ink: ink as InkPolarity, preprocessing: model.entry.preprocessing.id };
}

/**
 * Decodes the images of one request at once, each in a decoding thread. The
 * first image by position that fails is the error; once one fails, or the
 * deadline passes, the images after it are dropped.
 */
async function decodeAll(jobs: readonly ImageJob[], decoding: ImageDecoding): Promise<Float32Array[]> {
  const expired = new AbortController();
  const giveUp = jobs.map(() => new AbortController());
  const timer = setTimeout(
    () => expired.abort(new ServiceError('DEADLINE_EXCEEDED', `the request's images were not decoded within the request deadline of ${decoding.timeoutMs} ms`)),
    Math.max(0, decoding.deadline - performance.now()),
  );
  const decoded = jobs.map((job, i) =>
    decoding.decode(job, AbortSignal.any([expired.signal, (giveUp[i] as AbortController).signal])).then(
      (input) => ({ ok: true as const, input }),
      (error: unknown) => {
        // Later images cannot change the answer: they stop here.
        for (const later of giveUp.slice(i + 1)) later.abort(error);
        return { ok: false as const, error };
      },
    ),
  );
  try {
    const inputs: Float32Array[] = [];
    for (const outcome of decoded) {
      const result = await outcome;
      if (!result.ok) throw result.error;
      inputs.push(result.input);
    }
    return inputs;
  } finally {
    clearTimeout(timer);
    for (const job of giveUp) job.abort();
  }
}

/**
 * Checks every instance; the first problem is a 400 that names the instance
 * and field. The images of the request together may hold at most
 * `maxImagePixels` pixels, counted from their headers before any is decoded.
 * A request without images is parsed at once and answered as an array, in
 * the same turn of the event loop; otherwise every instance is checked first,
 * then the images are decoded in parallel, off the event loop, by `decoding`,
 * and a promise is answered.
 */
export function parseInstances(
  instances: unknown,
  model: ServingModel,
  maxInstances: number,
  signature: string,
  maxImagePixels: number,
  decoding: ImageDecoding,
): ParsedInstance[] | Promise<ParsedInstance[]> {
  if (!Array.isArray(instances)) throw new ServiceError('INVALID_REQUEST', '"instances" must be an array of {"key", "pixels" | "image"} objects');
  if (instances.length === 0) throw new ServiceError('INVALID_REQUEST', '"instances" is empty; send at least one');
  if (instances.length > maxInstances) {
    throw new ServiceError('TOO_MANY_INSTANCES', `${instances.length} instances in one request; the limit for signature "${signature}" is ${maxInstances}`);
  }
  const seen = new Set<string>();
  const budget: PixelBudget = { limit: maxImagePixels, used: 0 };
  const checked = instances.map((instance: unknown, i): ParsedInstance | { readonly key: string; readonly job: ImageJob } => {
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
    return hasPixels ? { key, input: pixelsInput(instance['pixels'], model, `${field}.pixels`) } : { key, job: imageJob(instance, model, field, budget) };
  });
  const jobs = checked.flatMap((c) => ('job' in c ? [c.job] : []));
  if (jobs.length === 0) return checked as ParsedInstance[];
  return decodeAll(jobs, decoding).then((inputs) => {
    let next = 0;
    return checked.map((c) => ('job' in c ? { key: c.key, input: inputs[next++] as Float32Array } : c));
  });
}
