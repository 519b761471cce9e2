/**
 * The labelled feedback a retraining learns from: every logged prediction of
 * a model (any version, any source) whose input was kept (LOG_INPUTS) and
 * whose key has ground truth, one per key, with the key's latest label.
 * splitFresh keeps the newest share aside as the fresh test set, which the
 * retraining never trains on; writeExport puts both on disk with their keys.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dequantizeInput } from '../../../src/core/preprocess/input-bytes';
import { writeSamples } from '../../../tools/onnx/samples-file';
import type { Queryable } from '../../db/database';

export interface LabelledInput {
  readonly key: string;
  /** The key's latest label, as its index in the model's labels. */
  readonly labelIndex: number;
  /** Epoch milliseconds the label is true as of. */
  readonly labelTime: number;
  /** Epoch milliseconds of the prediction whose input is kept (the newest of the key's). */
  readonly predictionTime: number;
  /** The input as the log keeps it: one byte per value. */
  readonly input: Uint8Array;
}

export interface FeedbackExport {
  readonly rows: LabelledInput[];
  /** Labelled keys whose label is not one of the model's labels (skipped). */
  readonly unknownLabels: number;
}

/** The labelled inputs of `model`, one per key (its newest prediction that kept an input), oldest label first. */
export async function exportLabelledInputs(db: Queryable, model: string, labels: readonly string[]): Promise<FeedbackExport> {
  const rows = await db.query<{ key: string; label: string; label_time: Date; time: Date; input: Uint8Array }>(
    `SELECT DISTINCT ON (p.key) p.key, l.label, l.time AS label_time, p.time, p.input
     FROM predictions p JOIN labels l ON l.key = p.key
     WHERE p.model = $1 AND p.input IS NOT NULL
     ORDER BY p.key, p.time DESC, p.version DESC, p.source`,
    [model],
  );
  const index = new Map(labels.map((label, i) => [label, i]));
  const known: LabelledInput[] = [];
  for (const row of rows) {
    const labelIndex = index.get(row.label);
    if (labelIndex === undefined) continue;
    known.push({ key: row.key, labelIndex, labelTime: row.label_time.getTime(), predictionTime: row.time.getTime(), input: row.input });
  }
  return { rows: sortByTime(known), unknownLabels: rows.length - known.length };
}

/** Oldest first: by label time, then prediction time, then key (so equal times still give one order). */
export function sortByTime(rows: readonly LabelledInput[]): LabelledInput[] {
  return [...rows].sort((a, b) => a.labelTime - b.labelTime || a.predictionTime - b.predictionTime || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export interface FreshSplit {
  /** What the retraining may learn from: the older rows. */
  readonly finetune: LabelledInput[];
  /** The newest `share` of the rows (rounded up), never trained on. */
  readonly fresh: LabelledInput[];
}

/** Keeps the newest `share` of the rows aside (at least one of each side when there are two rows or more). */
export function splitFresh(rows: readonly LabelledInput[], share: number): FreshSplit {
  if (!(share > 0 && share < 1)) throw new Error(`the fresh share must be between 0 and 1 (exclusive), not ${share}`);
  const sorted = sortByTime(rows);
  const freshCount = Math.min(sorted.length - 1, Math.max(1, Math.ceil(sorted.length * share)));
  const cut = sorted.length - Math.max(0, freshCount);
  return { finetune: sorted.slice(0, cut), fresh: sorted.slice(cut) };
}

/** What split.json holds: the keys on each side, so anyone can check the fresh set was never trained on. */
export interface SplitFile {
  readonly model: string;
  readonly fresh_share: number;
  readonly finetune: { readonly count: number; readonly keys: string[]; readonly until: string | null };
  readonly fresh: { readonly count: number; readonly keys: string[]; readonly from: string | null };
}

function samplesOf(rows: readonly LabelledInput[], shape: readonly number[]) {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(rows.length * size);
  rows.forEach((row, i) => {
    if (row.input.length !== size) throw new Error(`key ${row.key}: its input holds ${row.input.length} values, the model takes ${size}`);
    data.set(dequantizeInput(row.input), i * size);
  });
  return { shape: [rows.length, ...shape], data, labels: rows.map((r) => r.labelIndex) };
}

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

/**
 * Writes finetune.samples.json and fresh.samples.json (tools/onnx/samples-file.ts; `inputShape` is one
 * input's shape without the batch axis, e.g. [1, 28, 28]), finetune.keys.json and fresh.keys.json (the
 * rows' keys in order) and split.json into `dir`.
 */
export async function writeExport(dir: string, model: string, share: number, split: FreshSplit, inputShape: readonly number[]): Promise<SplitFile> {
  await mkdir(dir, { recursive: true });
  const file: SplitFile = {
    model,
    fresh_share: share,
    finetune: { count: split.finetune.length, keys: split.finetune.map((r) => r.key), until: iso(split.finetune.at(-1)?.labelTime) },
    fresh: { count: split.fresh.length, keys: split.fresh.map((r) => r.key), from: iso(split.fresh[0]?.labelTime) },
  };
  for (const part of ['finetune', 'fresh'] as const) {
    await writeSamples(join(dir, `${part}.samples.json`), samplesOf(split[part], inputShape));
    await writeFile(join(dir, `${part}.keys.json`), `${JSON.stringify(file[part].keys)}\n`);
  }
  await writeFile(join(dir, 'split.json'), `${JSON.stringify(file, null, 2)}\n`);
  return file;
}
