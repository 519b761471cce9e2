/**
 * The lines of a byte range of a file, numbered, with their byte offsets: the
 * plan finds chunk boundaries with them, and a chunk reads exactly its range.
 * Lines are cut at LF bytes (UTF-8 never has that byte inside a character),
 * so offsets are exact; a CR before the LF belongs to the line break. A line
 * longer than the cap is returned cut off and flagged, and the rest of it is
 * skipped, so a file without line breaks never sits whole in memory.
 */
import { createReadStream } from 'node:fs';

/** Longest line read whole; a base64 PNG of a large drawing fits many times over. */
export const MAX_LINE_BYTES = 32 * 1024 * 1024;

/** A line's bytes, undecoded: without its line break (nor a CR before it); a BOM at the file's start is still there. */
export interface RawLine {
  /** 1-based line number in the file. */
  readonly line: number;
  readonly bytes: Buffer;
  readonly tooLong: boolean;
  /** Byte offset of the line's first byte, and of the byte after its line break (or the end). */
  readonly start: number;
  readonly next: number;
}

export interface ByteLine {
  /** 1-based line number in the file. */
  readonly line: number;
  readonly text: string;
  readonly tooLong: boolean;
  /** Byte offset of the line's first byte, and of the byte after its line break (or the end). */
  readonly start: number;
  readonly next: number;
}

export interface ByteRange {
  readonly start: number;
  /** Exclusive; unset: to the end of the file. */
  readonly end?: number;
  /** The number of the line starting at `start`. */
  readonly firstLine: number;
}

/** A raw line's text: its bytes as UTF-8, less the BOM of a file's first line. */
export function lineText(raw: RawLine): string {
  const text = raw.bytes.toString('utf8');
  return raw.start === 0 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export async function* byteLines(path: string, range: ByteRange, maxLineBytes = MAX_LINE_BYTES): AsyncGenerator<ByteLine> {
  for await (const raw of rawLines(path, range, maxLineBytes)) {
    yield { line: raw.line, text: lineText(raw), tooLong: raw.tooLong, start: raw.start, next: raw.next };
  }
}

/** The lines of the range as bytes; a reader that needs only part of a line decodes only that. */
export async function* rawLines(path: string, range: ByteRange, maxLineBytes = MAX_LINE_BYTES): AsyncGenerator<RawLine> {
  const { start, end, firstLine } = range;
  if (end !== undefined && end <= start) return;
  const stream = createReadStream(path, { start, end: end === undefined ? undefined : end - 1, highWaterMark: 1 << 20 });
  let line = firstLine;
  let parts: Buffer[] = [];
  let kept = 0;
  let length = 0;
  let lineStart = start;
  let at = start;
  const take = (next: number): RawLine => {
    let bytes = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, kept);
    if (length <= maxLineBytes && bytes.at(-1) === 0x0d) bytes = bytes.subarray(0, -1);
    const out = { line, bytes, tooLong: length > maxLineBytes, start: lineStart, next };
    line++;
    parts = [];
    kept = 0;
    length = 0;
    lineStart = next;
    return out;
  };
  const add = (piece: Buffer) => {
    length += piece.length;
    const room = maxLineBytes - kept;
    if (room <= 0) return;
    const part = piece.length <= room ? piece : piece.subarray(0, room);
    parts.push(part);
    kept += part.length;
  };
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let from = 0;
    for (let lf = chunk.indexOf(0x0a); lf !== -1; lf = chunk.indexOf(0x0a, from)) {
      add(chunk.subarray(from, lf));
      yield take(at + lf + 1);
      from = lf + 1;
    }
    add(chunk.subarray(from));
    at += chunk.length;
  }
  if (length > 0) yield take(at);
}
