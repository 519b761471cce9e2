/**
 * The lines of a stream of text chunks, numbered, for JSONL. Like
 * node:readline but with a cap on a line's length: a file without line
 * breaks must not be read whole into memory, so a line longer than the cap
 * is returned cut off and flagged, and the rest of it is skipped.
 */

export interface Line {
  /** 1-based. */
  readonly line: number;
  readonly text: string;
  /** The line was longer than the cap; `text` holds its beginning only. */
  readonly tooLong: boolean;
}

export async function* textLines(chunks: AsyncIterable<string>, maxChars: number): AsyncGenerator<Line> {
  let line = 1;
  let text = '';
  let first = true;
  const take = (): Line => {
    // CRLF files: the CR belongs to the line break.
    const whole = text.endsWith('\r') ? text.slice(0, -1) : text;
    const tooLong = whole.length > maxChars;
    const done = { line, text: tooLong ? whole.slice(0, maxChars) : whole, tooLong };
    line++;
    text = '';
    return done;
  };
  // Keeps at most two characters more than the cap: enough to tell a CRLF from a line that is too long.
  const add = (part: string) => {
    if (text.length < maxChars + 2) text += part.slice(0, maxChars + 2 - text.length);
  };
  for await (let chunk of chunks) {
    if (first && chunk.length > 0) {
      first = false;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    let from = 0;
    for (let end = chunk.indexOf('\n'); end !== -1; end = chunk.indexOf('\n', from)) {
      add(chunk.slice(from, end));
      yield take();
      from = end + 1;
    }
    add(chunk.slice(from));
  }
  if (text.length > 0) yield take();
}
