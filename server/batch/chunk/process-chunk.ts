/**
 * processChunk(job, chunkIndex, runtime): one chunk, start to commit. It
 * reads only the chunk's byte range, turns each row into the model's input
 * (or an error row), predicts in batches while the next batch is being read
 * (a model in a thread of its own, as a queue worker's is, holds the next
 * batch while it runs one, so it never waits for this thread), and commits
 * its predictions and errors files atomically (chunk-files.ts).
 * A chunk is all or nothing: stopped or failed, it leaves no output, and
 * doing it again gives the same rows. Used by the local pool's threads, and
 * by the queue's workers.
 */
import type { Prediction } from '../../../src/core/api/predict';
import { CsvParser, type CsvRecord } from '../../cli/csv';
import { predictionsFrom } from '../../serving/inference/signatures';
import type { ServingModel } from '../../serving/model';
import { byteLines, lineText, MAX_LINE_BYTES, rawLines } from '../input/byte-lines';
import { csvKey } from '../input/csv-layout';
import { jsonlKey } from '../input/keys';
import { csvRow, jsonlRow, plainPixelsRow, type RowOutcome } from '../input/rows';
import type { BatchJob, ChunkPlan, ChunkResult, CsvLayout } from '../job/spec';
import { ChunkWriter } from './chunk-files';

/** Rows per model run: large enough to amortize a run, small enough to stop promptly. */
export const BATCH_ROWS = 256;
/** How long one batch may wait for the model (it has the model to itself). */
const INFER_TIMEOUT_MS = 10 * 60_000;

export interface ChunkRuntime {
  readonly model: ServingModel;
  /** Polled between batches: true abandons the chunk. */
  readonly stopped?: () => boolean;
  /** Rows finished so far in this chunk, after each batch, for progress. */
  readonly onRows?: (rows: number, failed: number) => void;
}

/** The chunk was given up (stopped): nothing of it was committed. */
export class ChunkAbandoned extends Error {
  override readonly name = 'ChunkAbandoned';
}

interface Source {
  readonly line: number;
  /** The row's key as the plan read it, for its error line; asked only when the row fails. */
  readonly key: () => string | undefined;
  readonly outcome: () => Promise<RowOutcome>;
}

/** A row whose outcome is known once read (a class, so no closures are made for each of the many). */
class PlainRow implements Source {
  constructor(
    readonly line: number,
    private readonly row: RowOutcome & { readonly key: string },
  ) {}

  key(): string {
    return this.row.key;
  }

  async outcome(): Promise<RowOutcome> {
    return this.row;
  }
}

async function* jsonlSources(job: BatchJob, chunk: ChunkPlan, model: ServingModel): AsyncGenerator<Source> {
  for await (const raw of rawLines(job.input.path, { start: chunk.start, end: chunk.end, firstLine: chunk.firstLine })) {
    const { line, tooLong } = raw;
    // Most rows are plain pixels, read from the bytes; the rest are decoded and parsed.
    const plain = tooLong ? undefined : plainPixelsRow(raw.bytes, line, model, job);
    if (plain) {
      yield new PlainRow(line, plain);
      continue;
    }
    const text = lineText(raw);
    if (text.trim() === '') continue;
    const key = () => {
      const found = jsonlKey(text, job.keyField);
      return !job.keyed ? String(line) : found.present ? found.key : undefined;
    };
    const outcome = tooLong
      ? async (): Promise<RowOutcome> => {
          const named = key();
          return {
            ok: false,
            ...(named === undefined ? {} : { key: named }),
            code: 'INVALID_REQUEST',
            message: `the line is longer than ${MAX_LINE_BYTES} bytes`,
          };
        }
      : () => jsonlRow(text, line, model, job);
    yield { line, key, outcome };
  }
}

async function* csvSources(job: BatchJob, chunk: ChunkPlan, model: ServingModel): AsyncGenerator<Source> {
  const layout = job.csv as CsvLayout;
  const parser = new CsvParser();
  const source = (record: CsvRecord): Source => {
    const line = chunk.firstLine + record.line - 1;
    const key = () => {
      const found = csvKey(record, layout);
      return !job.keyed ? String(line) : found.present ? found.key : undefined;
    };
    return { line, key, outcome: () => csvRow(record, line, model, job) };
  };
  for await (const { text } of byteLines(job.input.path, { start: chunk.start, end: chunk.end, firstLine: chunk.firstLine })) {
    for (const record of parser.push(`${text}\n`)) yield source(record);
  }
  for (const record of parser.end()) yield source(record);
}

const errorLine = (line: number, key: string | undefined, code: string, message: string) =>
  `${JSON.stringify(key === undefined ? { line, error: { code, message } } : { line, key, error: { code, message } })}\n`;

/** Rows read between turns of the event loop, so the model's answers are taken (and its next batch given) without delay. */
const ROWS_PER_TURN = 32;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Prediction lines as `JSON.stringify({ ...prediction, model, model_version })` writes them, without copying each prediction. */
function predictionLines(predictions: readonly Prediction[], tag: { readonly model: string; readonly model_version: string }): string {
  const suffix = `,"model":${JSON.stringify(tag.model)},"model_version":${JSON.stringify(tag.model_version)}}\n`;
  let lines = '';
  for (const prediction of predictions) lines += JSON.stringify(prediction).slice(0, -1) + suffix;
  return lines;
}

export async function processChunk(job: BatchJob, chunkIndex: number, runtime: ChunkRuntime): Promise<ChunkResult> {
  const chunk = job.chunks[chunkIndex];
  if (!chunk) throw new RangeError(`the job has no chunk ${chunkIndex}`);
  const started = performance.now();
  const { model } = runtime;
  const duplicates = new Map(chunk.duplicates);
  const tag = { model: model.entry.name, model_version: model.entry.version };
  const writer = await ChunkWriter.open(job.spec.output, chunkIndex);
  let rows = 0;
  let successful = 0;
  let failed = 0;
  let errors = '';
  let keys: string[] = [];
  let inputs: Float32Array[] = [];
  /** Batches handed to the model and not yet written, oldest first. */
  const inModel: Promise<void>[] = [];
  /** The writes, in batch order. */
  let writes: Promise<void> = Promise.resolve();

  /**
   * Hands the batch gathered so far to the model and goes on reading. The
   * model holds at most two of a chunk's batches, one running and the next
   * waiting behind it, so it never waits for this thread to write a batch
   * or read the next; each batch's predictions are written when it returns.
   */
  const flush = async () => {
    const batchKeys = keys;
    const input = new Float32Array(batchKeys.length * model.rowSize);
    inputs.forEach((row, i) => input.set(row, i * model.rowSize));
    const batchErrors = errors;
    keys = [];
    inputs = [];
    errors = '';
    while (inModel.length >= 2) await inModel.shift();
    if (runtime.stopped?.()) throw new ChunkAbandoned(`chunk ${chunkIndex} was stopped`);
    const run = batchKeys.length === 0 ? Promise.resolve(new Float32Array(0)) : model.infer(input, batchKeys.length, INFER_TIMEOUT_MS);
    const written = run.then((logits) => {
      const predictions = predictionLines(predictionsFrom(batchKeys, logits, model, job.spec.signature), tag);
      writes = writes.then(async () => {
        await writer.write(predictions, batchErrors);
        successful += batchKeys.length;
        runtime.onRows?.(successful + failed, failed);
      });
      return writes;
    });
    // Awaited later; marked handled now so a failure meanwhile is not an unhandled rejection.
    written.catch(() => undefined);
    inModel.push(written);
  };

  try {
    const sources = job.input.format === 'csv' ? csvSources(job, chunk, model) : jsonlSources(job, chunk, model);
    for await (const source of sources) {
      rows++;
      const first = duplicates.get(source.line);
      const outcome: RowOutcome =
        first === undefined
          ? await source.outcome()
          : { ok: false, code: 'INVALID_REQUEST', message: `the key was first seen on line ${first}; a repeated key is refused, never predicted twice` };
      if (outcome.ok) {
        keys.push(outcome.key);
        inputs.push(outcome.input);
      } else {
        failed++;
        errors += errorLine(source.line, outcome.key ?? source.key(), outcome.code, outcome.message);
      }
      if (rows % BATCH_ROWS === 0) await flush();
      else if (rows % ROWS_PER_TURN === 0) await nextTurn();
    }
    await flush();
    await Promise.all(inModel);
    await writes;
    if (rows !== chunk.rows) throw new Error(`chunk ${chunkIndex} has ${rows} rows where the plan found ${chunk.rows}: the input changed since it was planned`);
    await writer.commit();
  } catch (error) {
    // Batches in flight may still be writing: let them end before the files go.
    await Promise.allSettled(inModel);
    await writes.catch(() => undefined);
    await writer.abandon();
    throw error;
  }
  return { index: chunkIndex, successful, failed, ms: Math.round(performance.now() - started) };
}
