/**
 * What a batch job is, independent of who runs it (the local pool now, a
 * queue later): the spec a user asks for, and the plan made from it once (the
 * input cut into chunks by line ranges, with their byte offsets and the rows
 * whose key was seen earlier). A chunk is the unit of work and of commit;
 * everything `processChunk` needs is in the plan, so any process holding the
 * plan, the input and the model registry can do any chunk.
 */
import type { SignatureName } from '../../../src/core/api/predict';
import type { ModelEntry } from '../../../src/core/manifest';

export type InputFormat = 'jsonl' | 'csv';

/** What the user asked for. */
export interface JobSpec {
  readonly model: string;
  /** Unset: the newest version the manifest lists. */
  readonly version?: string;
  /** The input file (JSONL or CSV, by its extension). */
  readonly input: string;
  /** Where the chunk files and job.json go. */
  readonly output: string;
  readonly signature: Exclude<SignatureName, 'explain'>;
  /** Rows per chunk: the unit of work, commit and resumption. */
  readonly chunkRows: number;
  /** The field (JSONL) or column (CSV) holding each row's key; unset: `key`, else the line number. */
  readonly keyField?: string;
  /** The model registry folder (manifest.json and the model files). */
  readonly registry: string;
}

/** The header of a CSV input, as the plan read it; chunks after the first start past it. */
export interface CsvLayout {
  readonly columns: readonly string[];
  /** Index of the key column; -1: keys are line numbers. */
  readonly key: number;
  /** `image`: a PNG path per row; `pixels`: the model's input values, one column each (indices in input order). */
  readonly kind: 'image' | 'pixels';
  readonly image: number;
  readonly ink: number;
  readonly pixels: readonly number[];
}

export interface ChunkPlan {
  readonly index: number;
  /** First and last line of the file the chunk covers (1-based, inclusive). */
  readonly firstLine: number;
  readonly lastLine: number;
  /** Byte range [start, end) of the file. */
  readonly start: number;
  readonly end: number;
  /** Rows in the chunk (JSONL: non-blank lines; CSV: records). */
  readonly rows: number;
  /** Rows whose key an earlier row has: [line, line of the first row with that key], in line order. */
  readonly duplicates: readonly (readonly [number, number])[];
}

/** A planned job: immutable once made, written to plan.json. */
export interface BatchJob {
  readonly spec: JobSpec;
  /** The model version resolved from the manifest (a version named or the newest). */
  readonly entry: ModelEntry;
  /** The input as planned: a resumed job refuses an input that changed since. */
  readonly input: { readonly path: string; readonly format: InputFormat; readonly bytes: number; readonly mtimeMs: number };
  /** Whether rows carry keys; when not, each row's key is its line number. */
  readonly keyed: boolean;
  readonly keyField: string;
  readonly csv?: CsvLayout;
  readonly rows: number;
  readonly chunks: readonly ChunkPlan[];
}

/** What one chunk gave: rows predicted, rows refused. */
export interface ChunkResult {
  readonly index: number;
  readonly successful: number;
  readonly failed: number;
  readonly ms: number;
}

const pad = (index: number) => String(index).padStart(5, '0');
export const predictionsFile = (index: number) => `predictions-${pad(index)}.jsonl`;
export const errorsFile = (index: number) => `errors-${pad(index)}.jsonl`;
/** A chunk file still being written; never matched by `predictions-*.jsonl`. */
export const tempFile = (name: string) => `${name}.tmp`;
export const JOB_FILE = 'job.json';
export const PLAN_FILE = 'plan.json';
