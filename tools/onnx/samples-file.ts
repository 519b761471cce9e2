/**
 * A labelled (or unlabelled) batch of model inputs in one JSON file:
 * `{"input": name?, "shape": [N, ...], "data": base64 float32 little-endian, "labels"?: [N ints]}`.
 * The quantizer calibrates on it and reports accuracy when labels are present.
 */
import { readFile, writeFile } from 'node:fs/promises';

export interface Samples {
  readonly input?: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
  readonly labels?: readonly number[];
}

export function encodeSamples(samples: Samples): string {
  const bytes = Buffer.from(samples.data.buffer, samples.data.byteOffset, samples.data.byteLength);
  return JSON.stringify({ ...samples, data: bytes.toString('base64') });
}

export function decodeSamples(text: string, source = 'samples file'): Samples {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  const record = parsed as Record<string, unknown>;
  const shape = record['shape'];
  if (!Array.isArray(shape) || shape.length < 1 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new Error(`${source}: "shape" must be a list of positive integers, got ${JSON.stringify(shape)}`);
  }
  if (typeof record['data'] !== 'string') throw new Error(`${source}: "data" must be a base64 string of float32 values`);
  const bytes = Buffer.from(record['data'], 'base64');
  const expected = (shape as number[]).reduce((a, b) => a * b, 1);
  if (bytes.byteLength !== expected * 4) {
    throw new Error(`${source}: "data" holds ${bytes.byteLength / 4} floats, shape ${JSON.stringify(shape)} needs ${expected}`);
  }
  const data = new Float32Array(expected);
  new Uint8Array(data.buffer).set(bytes);
  const labels = record['labels'];
  if (labels !== undefined) {
    if (!Array.isArray(labels) || labels.length !== shape[0] || !labels.every((l) => Number.isInteger(l) && l >= 0)) {
      throw new Error(`${source}: "labels" must be ${shape[0]} non-negative integers`);
    }
  }
  const input = typeof record['input'] === 'string' ? record['input'] : undefined;
  return { shape: shape as number[], data, ...(input ? { input } : {}), ...(labels ? { labels: labels as number[] } : {}) };
}

export async function readSamples(path: string): Promise<Samples> {
  return decodeSamples(await readFile(path, 'utf8'), path);
}

export async function writeSamples(path: string, samples: Samples): Promise<void> {
  await writeFile(path, encodeSamples(samples));
}
