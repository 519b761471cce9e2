/**
 * The plan of a batch job: one streaming pass over the input that cuts it
 * into chunks of `chunkRows` rows by line ranges, records each chunk's byte
 * offsets (so a chunk reads only its own bytes, in any process), and finds
 * repeated keys across the whole input: a key seen on an earlier row makes
 * every later row with it an error row, never a second prediction. Memory
 * stays flat in the input size except for the keys seen, a 64-bit
 * fingerprint each; an input with repeated keys is read a second time to
 * decide on them exactly (input/key-set.ts).
 *
 * CSV chunks start on a record boundary, and each chunk is parsed by a parser
 * of its own, in the plan as in `processChunk`, so both see the same records.
 */
import { stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import type { ModelEntry } from '../../src/core/manifest';
import { CsvParser, type CsvRecord } from '../cli/csv';
import { byteLines, lineText, rawLines, type ByteLine, type RawLine } from './input/byte-lines';
import { csvKey, csvLayout, InputError } from './input/csv-layout';
import { FingerprintSet, isSuspect } from './input/key-set';
import { asciiKeyReader, jsonlKey, type RowKey } from './input/keys';
import type { BatchJob, ChunkPlan, CsvLayout, InputFormat, JobSpec } from './job/spec';

export { InputError };

const FORMATS: Readonly<Record<string, InputFormat>> = { '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.json': 'jsonl', '.csv': 'csv' };

export function formatOf(path: string): InputFormat {
  const format = FORMATS[extname(path).toLowerCase()];
  if (!format) throw new InputError(`${path}: the input must be a .jsonl (or .ndjson) or a .csv file`);
  return format;
}

/** The input file's size and modification time; a missing file or a folder is a clear error. */
export async function inputStats(path: string): Promise<{ bytes: number; mtimeMs: number }> {
  const stats = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new InputError(`${path}: cannot read the input (${error.code === 'ENOENT' ? 'no such file' : (error.code ?? error.message)})`);
  });
  if (!stats.isFile()) throw new InputError(`${path}: the input is not a file`);
  return { bytes: stats.size, mtimeMs: stats.mtimeMs };
}

/**
 * Collects rows into chunks, and keys: without `suspects` (the first pass),
 * their fingerprints; with them (the second pass, only when the first found
 * a fingerprint twice), the suspect keys themselves, exactly, to find the
 * repeated ones (key-set.ts).
 */
class Chunker {
  readonly chunks: ChunkPlan[] = [];
  readonly fingerprints = new FingerprintSet();
  private readonly seen = new Map<string, number>();
  private duplicates: [number, number][] = [];
  private rows = 0;
  private first: { line: number; start: number } | undefined;
  keyed = false;
  total = 0;

  constructor(
    private readonly chunkRows: number,
    private readonly suspects?: ReadonlySet<string>,
  ) {}

  get full(): boolean {
    return this.rows >= this.chunkRows;
  }

  /** One row on `line`; a chunk it opens starts on `from` (its line and byte offset). */
  row(line: number, key: RowKey, from: { readonly line: number; readonly start: number }): void {
    this.first ??= { line: from.line, start: from.start };
    this.rows++;
    this.total++;
    if (!key.present) return;
    this.keyed = true;
    if (key.key === undefined) return;
    if (!this.suspects) {
      this.fingerprints.add(key.key, line);
      return;
    }
    if (!isSuspect(this.suspects, key.key)) return;
    const earlier = this.seen.get(key.key);
    if (earlier === undefined) this.seen.set(key.key, line);
    else this.duplicates.push([line, earlier]);
  }

  /** Ends the current chunk after `last` (a line with at least one row, or the last line). */
  cut(last: { readonly line: number; readonly next: number }): void {
    if (!this.first || this.rows === 0) return;
    const { line, start } = this.first;
    this.chunks.push({ index: this.chunks.length, firstLine: line, lastLine: last.line, start, end: last.next, rows: this.rows, duplicates: this.duplicates });
    this.first = undefined;
    this.rows = 0;
    this.duplicates = [];
  }
}

async function planJsonl(path: string, keyField: string, chunker: Chunker): Promise<void> {
  // Most lines start with a plain key: read from the bytes, the line is never decoded.
  const plainKey = asciiKeyReader(keyField);
  let last: RawLine | undefined;
  for await (const line of rawLines(path, { start: 0, firstLine: 1 })) {
    last = line;
    const key = plainKey(line.bytes);
    if (key !== undefined) chunker.row(line.line, { present: true, key }, line);
    else {
      const text = lineText(line);
      if (text.trim() === '') continue;
      chunker.row(line.line, jsonlKey(text, keyField), line);
    }
    if (chunker.full) chunker.cut(line);
  }
  if (last) chunker.cut(last);
}

async function planCsv(path: string, keyField: string | undefined, rowSize: number, chunker: Chunker): Promise<CsvLayout> {
  let layout: CsvLayout | undefined;
  let parser = new CsvParser();
  let chunkStart = { line: 1, start: 0 };
  let last: ByteLine | undefined;
  const take = (records: CsvRecord[], at: ByteLine) => {
    for (const record of records) {
      const line = chunkStart.line + record.line - 1;
      if (layout) {
        chunker.row(line, csvKey(record, layout), chunkStart);
        continue;
      }
      if (record.error !== undefined) throw new InputError(`${path}: the CSV header on line ${line} is malformed (${record.error})`);
      layout = csvLayout(record.fields, keyField, rowSize);
      // Data starts on the line after the header, with a parser of its own.
      parser = new CsvParser();
      chunkStart = { line: at.line + 1, start: at.next };
    }
  };
  for await (const line of byteLines(path, { start: 0, firstLine: 1 })) {
    last = line;
    const records = parser.push(`${line.text}\n`);
    take(records, line);
    if (chunker.full && records.length > 0) {
      take(parser.end(), line);
      chunker.cut(line);
      parser = new CsvParser();
      chunkStart = { line: line.line + 1, start: line.next };
    }
  }
  if (last) {
    take(parser.end(), last);
    chunker.cut(last);
  }
  if (!layout) throw new InputError(`${path}: the input is empty; a CSV input needs a header row and at least one row`);
  return layout;
}

/** Makes the plan; `entry` is the model version already resolved. Input problems are InputErrors. */
export async function plan(spec: JobSpec, entry: ModelEntry): Promise<BatchJob> {
  const path = resolve(spec.input);
  const format = formatOf(path);
  const stats = await inputStats(path);
  const keyField = spec.keyField ?? 'key';
  const rowSize = (entry.inputs[0]?.shape ?? []).slice(1).reduce((a, b) => a * b, 1);
  const pass = async (chunker: Chunker) => {
    const layout = format === 'csv' ? await planCsv(path, spec.keyField, rowSize, chunker) : undefined;
    if (format === 'jsonl') await planJsonl(path, keyField, chunker);
    return layout;
  };
  let chunker = new Chunker(spec.chunkRows);
  let csv = await pass(chunker);
  // A fingerprint seen twice: the same pass again, deciding exactly on the suspect keys.
  const { suspects } = chunker.fingerprints;
  if (suspects.size > 0) {
    chunker = new Chunker(spec.chunkRows, suspects);
    csv = await pass(chunker);
  }
  if (chunker.total === 0) throw new InputError(`${path}: the input has no rows`);
  if (format === 'jsonl' && spec.keyField !== undefined && !chunker.keyed)
    throw new InputError(`--key-field: no row of ${path} has a field "${spec.keyField}"`);
  const keyed = csv ? csv.key >= 0 : chunker.keyed;
  return {
    spec,
    entry,
    input: { path, format, ...stats },
    keyed,
    keyField: csv ? (csv.columns[csv.key] ?? keyField) : keyField,
    ...(csv ? { csv } : {}),
    rows: chunker.total,
    chunks: chunker.chunks,
  };
}
