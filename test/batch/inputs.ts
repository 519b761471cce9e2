/**
 * Input files for batch tests, from the shared drawn digits: JSONL rows in the
 * `:predict` instance format, CSV rows with the model's input columns or with
 * PNG paths, and readers of a job's output files.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drawnPixels, drawnRgba, encodePngBase64 } from '../drawn-digits';

export const PAD = 280;

/** A fresh folder for one test's input and output. */
export const scratch = (prefix = 'batch-') => mkdtempSync(join(tmpdir(), prefix));

/** Pixels of the i-th test row: the ten drawn digits with pen widths that vary, so rows differ. */
export function rowPixels(i: number): number[] {
  return drawnPixels(i % 10, 12 + (Math.floor(i / 10) % 4) * 4);
}

/** A base64 PNG of digit `d`, as a client of the `image` field would send it. */
export const digitPng = (d: number) => encodePngBase64(PAD, PAD, drawnRgba(d));

export function writeJsonl(path: string, rows: readonly (Record<string, unknown> | string)[]): string {
  writeFileSync(path, rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n');
  return path;
}

export const pixelColumns = (n = 784) => Array.from({ length: n }, (_, i) => `pixels_${i}`);

export function writeCsv(path: string, header: readonly string[], rows: readonly (readonly (string | number)[] | string)[]): string {
  writeFileSync(path, [header.join(','), ...rows.map((r) => (typeof r === 'string' ? r : r.join(',')))].join('\n') + '\n');
  return path;
}

export interface OutputRow {
  readonly key?: string;
  readonly line?: number;
  readonly label?: string;
  readonly probabilities?: number[];
  readonly logits?: number[];
  readonly model?: string;
  readonly model_version?: string;
  readonly error?: { readonly code: string; readonly message: string };
}

/** Every row of a job's committed predictions-*.jsonl or errors-*.jsonl files. */
export function outputRows(dir: string, kind: 'predictions' | 'errors'): OutputRow[] {
  return readdirSync(dir)
    .filter((name) => new RegExp(`^${kind}-\\d{5}\\.jsonl$`).test(name))
    .sort()
    .flatMap((name) =>
      readFileSync(join(dir, name), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as OutputRow),
    );
}

export const readJob = (dir: string) =>
  JSON.parse(readFileSync(join(dir, 'job.json'), 'utf8')) as Record<string, unknown> & { status: string; counts: Record<string, number>; message?: string };
