/**
 * What the columns of a CSV input mean, read from its header: the key column
 * (--key-field, else `key`, else none: line numbers are the keys), and either
 * an `image` column (a PNG path relative to the input file, with an optional
 * `ink` column) or the model's input values, one column each: named
 * `pixels_0` … `pixels_<n-1>` in any order, or else every column but the key
 * when there are exactly as many as the model takes.
 */
import type { CsvRecord } from '../../cli/csv';
import type { CsvLayout } from '../job/spec';
import { keyOf, type RowKey } from './keys';

export class InputError extends Error {
  override readonly name = 'InputError';
}

export function csvLayout(columns: readonly string[], keyField: string | undefined, rowSize: number): CsvLayout {
  const names = columns.map((c) => c.trim());
  const indexOf = (name: string) => names.indexOf(name);
  const key = indexOf(keyField ?? 'key');
  if (keyField !== undefined && key < 0)
    throw new InputError(
      `--key-field: the CSV header has no column "${keyField}"; its columns: ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''}`,
    );
  const base = { columns: names, key, image: indexOf('image'), ink: indexOf('ink') };
  if (base.image >= 0) return { ...base, kind: 'image', pixels: [] };
  const named = Array.from({ length: rowSize }, (_, i) => indexOf(`pixels_${i}`));
  if (named.every((i) => i >= 0)) return { ...base, ink: -1, kind: 'pixels', pixels: named };
  const rest = names.flatMap((_, i) => (i === key ? [] : [i]));
  if (rest.length === rowSize) return { ...base, ink: -1, kind: 'pixels', pixels: rest };
  throw new InputError(
    `the CSV header has neither an "image" column nor the model's ${rowSize} input columns ` +
      `(pixels_0 … pixels_${rowSize - 1}, or exactly ${rowSize} columns besides the key); it has ${names.length} columns`,
  );
}

/** The key of a CSV record; a malformed record, or one of the wrong width, has none. */
export function csvKey(record: CsvRecord, layout: CsvLayout): RowKey {
  if (layout.key < 0 || record.error !== undefined || record.fields.length !== layout.columns.length) return { present: false };
  const key = keyOf(record.fields[layout.key] ?? '');
  return key === undefined ? { present: false } : { present: true, key };
}
