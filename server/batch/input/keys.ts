/**
 * Row keys, read the same way by the plan (which finds repeated keys over the
 * whole input) and by each chunk (which writes them), so that both always
 * agree on a row's key. A JSONL row whose line starts with its key field as a
 * string is read without parsing the rest of the line (pixel rows are
 * kilobytes of numbers and the plan reads every row); any other row is parsed
 * whole. Keys are strings of 1 to 256 characters; a whole number in a key
 * field given by --key-field is taken as its decimal text.
 */
import { MAX_KEY_LENGTH } from '../../../src/core/api/predict';
import { isRecord } from '../../serving/inference/json';

/** What a row says about its key: none, one, or one that is not a valid key. */
export type RowKey = { readonly present: false } | { readonly present: true; readonly key: string } | { readonly present: true; readonly key: undefined };

const ABSENT: RowKey = { present: false };
const INVALID: RowKey = { present: true, key: undefined };

export const keyProblem = (field: string) => `"${field}" must be a non-empty string (or a whole number) of at most ${MAX_KEY_LENGTH} characters`;

/** A key field's value as a key, or undefined when it cannot be one. */
export function keyOf(value: unknown): string | undefined {
  const text = typeof value === 'string' ? value : Number.isSafeInteger(value) ? String(value) : undefined;
  return text !== undefined && text.length > 0 && text.length <= MAX_KEY_LENGTH ? text : undefined;
}

const fastPaths = new Map<string, RegExp>();
const fastPath = (field: string): RegExp => {
  let pattern = fastPaths.get(field);
  if (!pattern) {
    const quoted = JSON.stringify(field).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    pattern = new RegExp(`^\\s*\\{\\s*${quoted}\\s*:\\s*"`);
    fastPaths.set(field, pattern);
  }
  return pattern;
};

/** The string literal starting at `open` (a quote), decoded; undefined when it does not end soon enough to be a key. */
function stringAt(text: string, open: number): string | undefined {
  const limit = Math.min(text.length, open + 2 + MAX_KEY_LENGTH * 6);
  for (let i = open + 1; i < limit; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) i++;
    else if (c === 0x22) {
      try {
        return JSON.parse(text.slice(open, i + 1)) as string;
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * The key of a JSONL row. `parsed`: the row already parsed, if it was (saves
 * parsing it again); the fast path still comes first, so the answer never
 * depends on whether the caller parsed the row (a row with its key field
 * twice has the first as its key, everywhere).
 */
export function jsonlKey(text: string, field: string, parsed?: unknown): RowKey {
  const match = fastPath(field).exec(text);
  if (match) {
    const key = keyOf(stringAt(text, match[0].length - 1));
    if (key !== undefined) return { present: true, key };
  }
  let value = parsed;
  if (value === undefined) {
    try {
      value = JSON.parse(text);
    } catch {
      return ABSENT;
    }
  }
  if (!isRecord(value) || !Object.hasOwn(value, field)) return ABSENT;
  const key = keyOf(value[field]);
  return key === undefined ? INVALID : { present: true, key };
}
