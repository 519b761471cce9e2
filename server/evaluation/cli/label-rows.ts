/**
 * The rows of a ground-truth file (CSV or JSONL), read as a stream and each
 * checked as POST /v1/feedback checks a label: the same schema (key of 1 to
 * 256 characters, an ISO time with a zone when given, no other fields) and
 * a label of the model pack. A bad row comes back with its line and what is
 * wrong, so the import can skip it and go on; only a file that cannot be
 * read at all (no such file, a CSV header without key or label) throws.
 */
import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import type { z } from 'zod';
import { FeedbackLabel } from '../../../src/core/api/evaluation';
import { quoteNames, quoteValue } from '../../serving/inference/json';
import { csvRecords, MAX_RECORD_CHARS } from '../../cli/csv';
import { textLines } from './lines';

export type LabelFormat = 'csv' | 'jsonl';
export type GoodRow = { readonly line: number; readonly label: LabelInput };
export type BadRow = { readonly line: number; readonly error: string };
export type LabelRow = GoodRow | BadRow;
/** A label as POST /v1/feedback takes it. */
export type LabelInput = z.infer<typeof FeedbackLabel>;

const COLUMNS = ['key', 'label', 'time'] as const;

/** A file the import cannot read at all. */
export class LabelFileError extends Error {
  override readonly name = 'LabelFileError';
}

export function formatOf(path: string): LabelFormat | undefined {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  return undefined;
}

/** Checks one row as the feedback route would. */
export function checkLabel(value: unknown, known: ReadonlySet<string>): { label: LabelInput } | { error: string } {
  const parsed = FeedbackLabel.safeParse(value);
  if (!parsed.success) return { error: parsed.error.issues.map((i) => `${i.path.join('.') || 'row'}: ${i.message}`).join('; ') };
  if (!known.has(parsed.data.label)) {
    return { error: `label: ${quoteValue(parsed.data.label)} is not a label of the model pack (${quoteNames([...known], 20)})` };
  }
  return { label: parsed.data };
}

function chunksOf(path: string): AsyncIterable<string> {
  // With an encoding set the stream decodes UTF-8 across chunk boundaries and yields strings.
  return createReadStream(path, { encoding: 'utf8', highWaterMark: 256 * 1024 }) as AsyncIterable<string>;
}

export function labelRows(path: string, format: LabelFormat, known: ReadonlySet<string>): AsyncGenerator<LabelRow> {
  return format === 'csv' ? csvRows(chunksOf(path), known) : jsonlRows(chunksOf(path), known);
}

export async function* jsonlRows(chunks: AsyncIterable<string>, known: ReadonlySet<string>): AsyncGenerator<LabelRow> {
  for await (const { line, text, tooLong } of textLines(chunks, MAX_RECORD_CHARS)) {
    if (tooLong) {
      yield { line, error: `the line is longer than ${MAX_RECORD_CHARS} characters` };
      continue;
    }
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      yield { line, error: `not JSON: ${(error as Error).message}` };
      continue;
    }
    yield { line, ...checkLabel(value, known) };
  }
}

/** Where each of the header's columns is; throws on a header the rows cannot be read by. */
function columnsOf(header: { line: number; fields: string[]; error?: string }): Map<string, number> {
  if (header.error) throw new LabelFileError(`line ${header.line}: the header is malformed: ${header.error}`);
  const names = header.fields.map((f) => f.trim());
  const columns = new Map<string, number>();
  names.forEach((name, i) => {
    if (!(COLUMNS as readonly string[]).includes(name)) {
      throw new LabelFileError(`line ${header.line}: unknown column ${quoteValue(name)}: the columns are key, label and optionally time`);
    }
    if (columns.has(name)) throw new LabelFileError(`line ${header.line}: column ${quoteValue(name)} appears twice`);
    columns.set(name, i);
  });
  for (const required of ['key', 'label']) {
    if (!columns.has(required)) throw new LabelFileError(`line ${header.line}: the header has no ${required} column (it names ${quoteNames(names)})`);
  }
  return columns;
}

export async function* csvRows(chunks: AsyncIterable<string>, known: ReadonlySet<string>): AsyncGenerator<LabelRow> {
  let columns: Map<string, number> | undefined;
  let width = 0;
  for await (const record of csvRecords(chunks)) {
    if (!columns) {
      columns = columnsOf(record);
      width = record.fields.length;
      continue;
    }
    if (record.error) {
      yield { line: record.line, error: record.error };
      continue;
    }
    if (record.fields.length !== width) {
      yield { line: record.line, error: `${record.fields.length} fields; the header has ${width}` };
      continue;
    }
    const row: Record<string, string> = {};
    for (const [name, i] of columns) row[name] = record.fields[i] as string;
    // An empty time cell is a time not given, as a JSONL row without one.
    if (row.time === '') delete row.time;
    yield { line: record.line, ...checkLabel(row, known) };
  }
  if (!columns) throw new LabelFileError('the file is empty: a CSV file needs a header row naming key, label and optionally time');
}
