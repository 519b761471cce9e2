/**
 * One input row to the model's input, or to the error its row in the errors
 * file carries. JSONL rows are `:predict` instances and CSV rows are made
 * into one; either way the keyed API's own checks (server/serving/inference)
 * decide what is valid, so a row is refused in batch exactly when the same
 * instance would be refused online, with the same code and message.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { ServiceError, type ErrorCode } from '../../../src/core/api/errors';
import type { CsvRecord } from '../../cli/csv';
import { imageToInput } from '../../serving/decode/decode-image';
import { parseInstances, type ImageDecoding } from '../../serving/inference/instances';
import { isRecord, quoteValue } from '../../serving/inference/json';
import type { ServingModel } from '../../serving/model';
import type { BatchJob, CsvLayout } from '../job/spec';
import { csvKey } from './csv-layout';
import { jsonlKey, keyProblem, type RowKey } from './keys';
import { pixelsRow } from './pixel-rows';

export type RowOutcome =
  | { readonly ok: true; readonly key: string; readonly input: Float32Array }
  | { readonly ok: false; readonly key?: string; readonly code: ErrorCode; readonly message: string };

/** Decoded pixels one row's image may hold: the server's default request budget. */
const MAX_IMAGE_PIXELS = 4096 * 4096;
/** Larger image files are refused before they are read. */
const MAX_IMAGE_FILE_BYTES = 64 * 1024 * 1024;
const DECODE_TIMEOUT_MS = 60_000;

const fail = (code: ErrorCode, message: string, key?: string): RowOutcome =>
  key === undefined ? { ok: false, code, message } : { ok: false, key, code, message };

/** Images decode right here: this runs in a pool thread, never on the coordinator's. */
const inThread = (): ImageDecoding => ({
  decode: async (job) => imageToInput(job),
  deadline: performance.now() + DECODE_TIMEOUT_MS,
  timeoutMs: DECODE_TIMEOUT_MS,
});

/** Checks one instance with the keyed API's parser; its messages name `instances[0]`, here the row. */
async function checked(instance: Record<string, unknown>, key: string, model: ServingModel, job: BatchJob): Promise<RowOutcome> {
  try {
    const [parsed] = await parseInstances([instance], model, 1, job.spec.signature, MAX_IMAGE_PIXELS, inThread());
    return { ok: true, key, input: (parsed as { input: Float32Array }).input };
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    return fail(error.code, error.message.replace(/^instances\[0\]\./, '').replace(/^instances\[0\]/, 'the row'), key);
  }
}

/** The key a row goes by: its own, or its line number in an input without keys; a string when there is a problem. */
function rowKey(found: RowKey, line: number, job: BatchJob): { key: string } | { problem: string } {
  if (!job.keyed) return { key: String(line) };
  if (!found.present) return { problem: `the row has no "${job.keyField}"; in an input with keys every row needs one (--key-field names another field)` };
  return found.key === undefined ? { problem: keyProblem(job.keyField) } : { key: found.key };
}

/**
 * A JSONL row of plain pixels, read from the line's bytes (pixel-rows.ts):
 * the outcome `jsonlRow` gives on the decoded line, without decoding it; undefined
 * for any other row, which then goes to `jsonlRow`.
 */
export function plainPixelsRow(bytes: Buffer, line: number, model: ServingModel, job: BatchJob): Extract<RowOutcome, { ok: true }> | undefined {
  const direct = pixelsRow(bytes, job.keyed ? job.keyField : undefined, model.rowSize);
  return direct && { ok: true, key: direct.key ?? String(line), input: direct.input };
}

export async function jsonlRow(text: string, line: number, model: ServingModel, job: BatchJob): Promise<RowOutcome> {
  let value: unknown;
  let notJson: string | undefined;
  try {
    value = JSON.parse(text);
  } catch (error) {
    notJson = (error as Error).message;
  }
  const named = rowKey(jsonlKey(text, job.keyField, value), line, job);
  if (notJson !== undefined) return fail('INVALID_JSON', `the line is not JSON (${notJson})`, 'key' in named ? named.key : undefined);
  if ('problem' in named) return fail('INVALID_REQUEST', named.problem);
  if (!isRecord(value)) return fail('INVALID_REQUEST', `the row must be an object with "pixels" or "image", got ${quoteValue(value)}`, named.key);
  const { [job.keyField]: _key, ...rest } = value;
  return checked({ ...rest, key: named.key }, named.key, model, job);
}

/** An image path of a CSV row: relative to the input file, and inside its folder. */
async function imageFile(path: string, job: BatchJob): Promise<string> {
  const folder = dirname(job.input.path);
  const full = resolve(folder, path);
  const inside = relative(folder, full);
  if (path.length === 0 || isAbsolute(path) || inside.startsWith('..') || isAbsolute(inside)) {
    throw new ServiceError('INVALID_REQUEST', `image ${quoteValue(path)} must be a path relative to the input file's folder, inside it`);
  }
  try {
    const { size } = await stat(full);
    if (size > MAX_IMAGE_FILE_BYTES) throw new ServiceError('INVALID_IMAGE', `image ${quoteValue(path)} has ${size} bytes; at most ${MAX_IMAGE_FILE_BYTES}`);
    return (await readFile(full)).toString('base64');
  } catch (error) {
    if (error instanceof ServiceError) throw error;
    throw new ServiceError('INVALID_IMAGE', `image ${quoteValue(path)} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

export async function csvRow(record: CsvRecord, line: number, model: ServingModel, job: BatchJob): Promise<RowOutcome> {
  const layout = job.csv as CsvLayout;
  const named = rowKey(csvKey(record, layout), line, job);
  const key = 'key' in named ? named.key : undefined;
  if (record.error !== undefined) return fail('INVALID_REQUEST', `the row is not valid CSV: ${record.error}`, key);
  if (record.fields.length !== layout.columns.length) {
    return fail('INVALID_REQUEST', `the row has ${record.fields.length} fields; the header has ${layout.columns.length}`, key);
  }
  if ('problem' in named) return fail('INVALID_REQUEST', named.problem);
  const field = (i: number) => record.fields[i] ?? '';
  if (layout.kind === 'pixels') {
    const pixels: number[] = [];
    for (const i of layout.pixels) {
      const text = field(i).trim();
      const value = text === '' ? NaN : Number(text);
      if (Number.isNaN(value)) return fail('INVALID_REQUEST', `column ${layout.columns[i]} is not a number: ${quoteValue(field(i))}`, named.key);
      pixels.push(value);
    }
    return checked({ key: named.key, pixels }, named.key, model, job);
  }
  let image: string;
  try {
    image = await imageFile(field(layout.image).trim(), job);
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    return fail(error.code, error.message, named.key);
  }
  const ink = layout.ink >= 0 && field(layout.ink).trim() !== '' ? { ink: field(layout.ink).trim() } : {};
  return checked({ key: named.key, image, ...ink }, named.key, model, job);
}
