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
  let plain = true;
  for (let i = open + 1; i < limit; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) {
      plain = false;
      i++;
    } else if (c === 0x22) {
      // Without escapes or control characters, a JSON string is its characters as they stand.
      if (plain) return text.slice(open + 1, i);
      try {
        return JSON.parse(text.slice(open, i + 1)) as string;
      } catch {
        return undefined;
      }
    } else if (c < 0x20) plain = false;
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

const isJsonSpace = (c: number | undefined) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** Past JSON whitespace; bounded, since reading past a line's end, even now and then, slows every read here. */
function skipJsonSpace(bytes: Buffer, at: number): number {
  while (at < bytes.length && isJsonSpace(bytes[at])) at++;
  return at;
}

/**
 * A reader of the key from a JSONL line's bytes, without decoding the line,
 * for a line that starts the plain way: `{"<field>": "<key>"` with JSON
 * whitespace, the key printable ASCII without escapes. It answers undefined
 * for any other line (decode it and ask jsonlKey); when it answers, jsonlKey
 * on the decoded line gives that same key.
 */
export function asciiKeyReader(field: string): (bytes: Buffer) => string | undefined {
  const quoted = Buffer.from(JSON.stringify(field), 'utf8');
  return (bytes) => {
    let at = skipJsonSpace(bytes, 0);
    if (bytes[at] !== 0x7b) return undefined;
    at = skipJsonSpace(bytes, at + 1);
    if (bytes.length - at < quoted.length || bytes.compare(quoted, 0, quoted.length, at, at + quoted.length) !== 0) return undefined;
    at = skipJsonSpace(bytes, at + quoted.length);
    if (bytes[at] !== 0x3a) return undefined;
    at = skipJsonSpace(bytes, at + 1);
    if (bytes[at] !== 0x22) return undefined;
    const open = at;
    const limit = Math.min(bytes.length, open + 2 + MAX_KEY_LENGTH);
    for (at = open + 1; at < limit; at++) {
      const c = bytes[at] as number;
      if (c === 0x22) break;
      if (c < 0x20 || c > 0x7e || c === 0x5c) return undefined;
    }
    if (at >= limit || at === open + 1) return undefined;
    return bytes.toString('latin1', open + 1, at);
  };
}
