/**
 * The common JSONL row, `{"key": "…", "pixels": [v, …]}` (the key field
 * first, or no key in an input without keys; JSON whitespace wherever JSON
 * allows it), read from the line's bytes straight into the model's
 * Float32Array: the line is never decoded, and JSON.parse never builds its
 * array of hundreds of numbers, which is most of a row's cost. The answer is
 * exactly the one the general path gives (the decoded line through
 * JSON.parse, jsonlKey and the keyed API's checks): the same key and the same
 * float32 values, or undefined, and then the general path decides. Anything
 * unusual (other fields, another order, a value out of range, a malformed
 * line, a number whose rounding is not certain) is left to it. Bytes, not
 * the decoded string: besides the decoding saved, a process that loaded
 * ioredis (whose VerbatimString extends String) reads strings with
 * charCodeAt several times slower, and bytes not at all.
 *
 * Keys. The structural bytes are ASCII, which UTF-8 never uses inside a
 * character, so the key's bytes between its quotes decode to the very
 * characters jsonlKey finds between the same quotes in the decoded line.
 *
 * Numbers. The general path rounds the decimal to the nearest double, then
 * to float32. Here: with at most 15 significant digits and a power of ten of
 * at most 22, the digits and the power are exact doubles and one operation
 * rounds them correctly (Clinger's fast path): the same double. With 16 to
 * 19 digits (a float32 printed as a double has up to 17), the double is
 * approximated within 2^-49 of its value; the float32 is taken only when it
 * is the same over an interval 32 times wider than that (away from a tie
 * between two float32s, as every float32 printed as a double is). Otherwise
 * that number alone is read by JSON.parse.
 */
import { MAX_KEY_LENGTH } from '../../../src/core/api/predict';
import { keyOf } from './keys';

export interface PixelsRow {
  /** The row's key; undefined for a row of an input without keys (its line number is its key). */
  readonly key: string | undefined;
  readonly input: Float32Array;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const BACKSLASH = 0x5c;
const PIXELS = Buffer.from('"pixels"');

/** 10^0 … 10^22, each exact (read from decimal text, which rounds correctly). */
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
/** The interval around an approximated value over which its float32 must not change. */
const MARGIN = 2 ** -44;

// Past the end a byte reads undefined, which is neither.
const isSpace = (c: number | undefined) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const isDigit = (c: number | undefined): c is number => c !== undefined && c >= ZERO && c <= NINE;

function skipSpace(bytes: Buffer, at: number): number {
  // Bounded: reading past the end, even once a row, would slow every read here.
  while (at < bytes.length && isSpace(bytes[at])) at++;
  return at;
}

const startsWith = (bytes: Buffer, at: number, prefix: Buffer) =>
  bytes.length - at >= prefix.length && bytes.compare(prefix, 0, prefix.length, at, at + prefix.length) === 0;

/** The key whose literal opens at `open` (a quote), as JSON reads it; undefined when it is not a valid key (or not soon closed). */
function keyAt(bytes: Buffer, open: number): { key: string; close: number } | undefined {
  // A valid key's literal is at most 6 bytes a character (an escape) and its quotes.
  const limit = Math.min(bytes.length, open + 2 + MAX_KEY_LENGTH * 6);
  let plain = true;
  for (let at = open + 1; at < limit; at++) {
    const c = bytes[at] as number;
    if (c === BACKSLASH) {
      plain = false;
      at++;
    } else if (c === QUOTE) {
      let key: string | undefined;
      try {
        key = keyOf(plain ? bytes.toString('utf8', open + 1, at) : JSON.parse(bytes.toString('utf8', open, at + 1)));
      } catch {
        return undefined;
      }
      return key === undefined ? undefined : { key, close: at };
    } else if (c < 0x20) plain = false;
  }
  return undefined;
}

/**
 * Reads the JSON number at `at` into `out[index]`; returns the index after
 * it, or -1 when it is not a JSON number or not a value in 0..1 (the general
 * path then reports it). A minus sign is left to the general path too.
 */
function readNumber(bytes: Buffer, at: number, out: Float32Array, index: number): number {
  const start = at;
  let c = bytes[at];
  // Digits gather in an integer, nine at most, then fold into the mantissa (exact below 2^53).
  let mantissa = 0;
  let part = 0;
  let partDigits = 0;
  let significant = 0;
  let fraction = 0;
  if (c === ZERO) {
    c = bytes[++at];
    if (isDigit(c)) return -1;
  } else if (isDigit(c)) {
    const first = at;
    while (isDigit(c)) {
      part = (part * 10 + (c - ZERO)) | 0;
      if (++partDigits === 9) {
        mantissa = mantissa * 1e9 + part;
        part = 0;
        partDigits = 0;
      }
      c = bytes[++at];
    }
    significant = at - first;
  } else return -1;
  if (c === DOT) {
    c = bytes[++at];
    if (!isDigit(c)) return -1;
    const first = at;
    // Zeros before the first significant digit.
    if (significant === 0) {
      while (c === ZERO) c = bytes[++at];
    }
    const digits = at;
    while (isDigit(c)) {
      part = (part * 10 + (c - ZERO)) | 0;
      if (++partDigits === 9) {
        mantissa = mantissa * 1e9 + part;
        part = 0;
        partDigits = 0;
      }
      c = bytes[++at];
    }
    significant += at - digits;
    fraction = at - first;
  }
  mantissa = mantissa * (POW10[partDigits] as number) + part;
  let exponent = 0;
  let exponentDigits = 0;
  if (c === 0x65 || c === 0x45) {
    c = bytes[++at];
    const negative = c === MINUS;
    if (negative || c === PLUS) c = bytes[++at];
    if (!isDigit(c)) return -1;
    while (isDigit(c)) {
      if (exponentDigits++ < 6) exponent = exponent * 10 + (c - ZERO);
      c = bytes[++at];
    }
    if (negative) exponent = -exponent;
  }
  const power = exponent - fraction;
  let value: number;
  if (mantissa === 0) value = 0;
  else if (significant <= 15 && power >= -22 && power <= 22 && exponentDigits <= 6) {
    value = power < 0 ? mantissa / (POW10[-power] as number) : mantissa * (POW10[power] as number);
  } else if (significant <= 19 && power >= -44 && power <= 0 && exponentDigits <= 6) {
    const approximate = power < -22 ? mantissa / 1e22 / (POW10[-power - 22] as number) : mantissa / (POW10[-power] as number);
    const low = Math.fround(approximate - approximate * MARGIN);
    const high = approximate + approximate * MARGIN;
    value = high <= 1 && low === Math.fround(high) ? low : (JSON.parse(bytes.toString('latin1', start, at)) as number);
  } else value = JSON.parse(bytes.toString('latin1', start, at)) as number;
  if (!(value >= 0 && value <= 1)) return -1;
  out[index] = value;
  return at;
}

/** Cache of the key field's literal as bytes. */
let field: { readonly name: string; readonly quoted: Buffer } | undefined;

/**
 * Reads a line's bytes (without its line break) as one row of `rowSize`
 * pixels keyed by `keyField` (undefined: an input without keys); undefined
 * when the general path must decide.
 */
export function pixelsRow(bytes: Buffer, keyField: string | undefined, rowSize: number): PixelsRow | undefined {
  if (keyField === 'pixels') return undefined;
  let at = skipSpace(bytes, 0);
  if (bytes[at] !== OPEN_OBJECT) return undefined;
  at = skipSpace(bytes, at + 1);
  let key: string | undefined;
  if (keyField !== undefined) {
    // As jsonlKey reads it: the key field first, a string that is a valid key.
    if (field?.name !== keyField) field = { name: keyField, quoted: Buffer.from(JSON.stringify(keyField)) };
    if (!startsWith(bytes, at, field.quoted)) return undefined;
    at = skipSpace(bytes, at + field.quoted.length);
    if (bytes[at] !== COLON) return undefined;
    at = skipSpace(bytes, at + 1);
    if (bytes[at] !== QUOTE) return undefined;
    const found = keyAt(bytes, at);
    if (!found) return undefined;
    key = found.key;
    at = skipSpace(bytes, found.close + 1);
    if (bytes[at] !== COMMA) return undefined;
    at = skipSpace(bytes, at + 1);
  }
  if (!startsWith(bytes, at, PIXELS)) return undefined;
  at = skipSpace(bytes, at + PIXELS.length);
  if (bytes[at] !== COLON) return undefined;
  at = skipSpace(bytes, at + 1);
  if (bytes[at] !== OPEN_ARRAY) return undefined;
  const input = new Float32Array(rowSize);
  let count = 0;
  at = skipSpace(bytes, at + 1);
  for (;;) {
    if (count === rowSize) return undefined;
    // Zeros (most of a drawing) are a digit and a comma: the array is zero already.
    if (bytes[at] === ZERO && bytes[at + 1] === COMMA) {
      count++;
      at = skipSpace(bytes, at + 2);
      continue;
    }
    at = readNumber(bytes, at, input, count++);
    if (at < 0) return undefined;
    at = skipSpace(bytes, at);
    const c = bytes[at];
    if (c === CLOSE_ARRAY) break;
    if (c !== COMMA) return undefined;
    at = skipSpace(bytes, at + 1);
  }
  if (count !== rowSize) return undefined;
  at = skipSpace(bytes, at + 1);
  if (bytes[at] !== CLOSE_OBJECT) return undefined;
  return skipSpace(bytes, at + 1) === bytes.length ? { key, input } : undefined;
}
