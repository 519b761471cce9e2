/**
 * The input and the checks of the batch fault tests (local and queued): keyed
 * rows with a refused one now and then, and every key exactly once in the
 * committed output, whatever was killed along the way.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { outputRows, readJob, rowPixels, writeJsonl } from './inputs';

/** Every row at a multiple of this is refused (pixels not an array), so errors files have rows too. */
const REFUSED_EVERY = 97;

/** `rows` keyed rows ("k<i>") in `dir`/in.jsonl. */
export function faultInput(dir: string, rows: number): string {
  const pixels = Array.from({ length: 40 }, (_, i) => JSON.stringify(rowPixels(i)));
  const lines = Array.from({ length: rows }, (_, i) =>
    i % REFUSED_EVERY === 0 ? `{"key":"k${i}","pixels":"none"}` : `{"key":"k${i}","pixels":${pixels[i % 40]}}`,
  );
  return writeJsonl(join(dir, 'in.jsonl'), lines);
}

/** Every key of the input exactly once across both kinds of output file, the job finished, nothing staged left; returns the labels by key. */
export function expectExactlyOnce(output: string, rows: number): Map<string, string | undefined> {
  const predictions = outputRows(output, 'predictions');
  const errors = outputRows(output, 'errors');
  const keys = [...predictions, ...errors].map((r) => r.key);
  expect(keys).toHaveLength(rows);
  expect(new Set(keys).size).toBe(rows);
  expect(errors).toHaveLength(Math.ceil(rows / REFUSED_EVERY));
  expect(errors.every((e) => e.error?.code === 'INVALID_REQUEST' && Number(e.key?.slice(1)) % REFUSED_EVERY === 0)).toBe(true);
  expect(readJob(output)).toMatchObject({
    status: 'succeeded',
    counts: { rows, successful: predictions.length, failed: errors.length, pending_rows: 0 },
  });
  expect(readdirSync(output).filter((n) => n.endsWith('.tmp') || n === '.workers')).toEqual([]);
  return new Map(predictions.map((p) => [p.key as string, p.label]));
}
