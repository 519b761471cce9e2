/**
 * A streaming RFC 4180 parser: text arrives in chunks of any size and
 * records leave as soon as they end, each with the line it starts on (what a
 * person fixing the file looks for). Quoted fields may hold commas, doubled
 * quotes and line breaks; CRLF, LF and a lone CR all end a record; a leading
 * byte-order mark and blank lines are skipped. A malformed record is returned
 * with an error rather than thrown, so one bad row never stops an import, and
 * a record is cut off at MAX_RECORD_CHARS so an unclosed quote cannot pull
 * the rest of the file into memory.
 */

/** Longer records are refused; labels and keys are at most 256 characters each. */
export const MAX_RECORD_CHARS = 64 * 1024;

export interface CsvRecord {
  /** The (1-based) line the record starts on. */
  readonly line: number;
  readonly fields: string[];
  /** Set when the record is malformed; its fields are then unreliable. */
  readonly error?: string;
}

type State = 'start' | 'unquoted' | 'quoted' | 'quote';

const UNQUOTED_STOP = /[",\r\n]/g;
const QUOTED_STOP = /["\r\n]/g;

export class CsvParser {
  private state: State = 'start';
  private fields: string[] = [];
  private field = '';
  private chars = 0;
  private error: string | undefined;
  /** Whether the current record has begun (a blank line never begins one). */
  private begun = false;
  private line = 1;
  private recordLine = 1;
  /** The last character was a CR: a LF right after it belongs to the same line break. */
  private afterCR = false;
  private first = true;

  /** Parses the next chunk; returns the records it completed. */
  push(chunk: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    let i = 0;
    if (this.first && chunk.length > 0) {
      this.first = false;
      if (chunk.charCodeAt(0) === 0xfeff) i = 1;
    }
    while (i < chunk.length) {
      const c = chunk[i] as string;
      if (this.afterCR) {
        this.afterCR = false;
        if (c === '\n') {
          if (this.state === 'quoted') this.append('\n');
          i++;
          continue;
        }
      }
      if (!this.begun && c !== '\r' && c !== '\n') {
        this.begun = true;
        this.recordLine = this.line;
      }
      switch (this.state) {
        case 'start':
          if (c === '"') {
            this.state = 'quoted';
            i++;
          } else if (c === ',') {
            this.endField();
            i++;
          } else if (c === '\r' || c === '\n') {
            this.lineBreak(c, out);
            i++;
          } else {
            this.state = 'unquoted';
          }
          break;
        case 'unquoted': {
          const stop = this.run(chunk, i, UNQUOTED_STOP);
          if (stop === chunk.length) return out;
          const s = chunk[stop] as string;
          i = stop + 1;
          if (s === ',') this.endField();
          else if (s === '"') {
            this.fail('a quote inside an unquoted field (quote the whole field and double the quote)');
            this.append('"');
          } else this.lineBreak(s, out);
          break;
        }
        case 'quoted': {
          const stop = this.run(chunk, i, QUOTED_STOP);
          if (stop === chunk.length) return out;
          const s = chunk[stop] as string;
          i = stop + 1;
          if (s === '"') this.state = 'quote';
          else {
            // A line break inside quotes is data, but still a new line of the file.
            this.append(s);
            this.line++;
            this.afterCR = s === '\r';
          }
          break;
        }
        case 'quote':
          // The previous quote either doubles this one or closes the field.
          i++;
          if (c === '"') {
            this.append('"');
            this.state = 'quoted';
          } else if (c === ',') this.endField();
          else if (c === '\r' || c === '\n') this.lineBreak(c, out);
          else {
            this.fail('text after the closing quote of a field');
            this.append(c);
            this.state = 'unquoted';
          }
          break;
      }
    }
    return out;
  }

  /** Ends the input: returns the last record if the file does not end with a line break. */
  end(): CsvRecord[] {
    if (this.state === 'quoted') this.fail(`a quoted field opened on line ${this.recordLine} is never closed`);
    if (!this.begun) return [];
    this.fields.push(this.field);
    return [this.take()];
  }

  /** Appends the run of ordinary characters from `from` and returns where it stops (a special character or the end). */
  private run(chunk: string, from: number, stop: RegExp): number {
    stop.lastIndex = from;
    const found = stop.exec(chunk);
    const end = found ? found.index : chunk.length;
    if (end > from) this.append(chunk.slice(from, end));
    return end;
  }

  private append(text: string): void {
    // What fits is kept whatever the chunks were, so a record reads the same however the file was cut.
    const room = MAX_RECORD_CHARS - this.chars;
    this.chars += text.length;
    if (text.length <= room) this.field += text;
    else {
      this.fail(`the record is longer than ${MAX_RECORD_CHARS} characters`);
      if (room > 0) this.field += text.slice(0, room);
    }
  }

  private fail(message: string): void {
    this.error ??= message;
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
    this.state = 'start';
  }

  private lineBreak(c: string, out: CsvRecord[]): void {
    this.line++;
    this.afterCR = c === '\r';
    if (!this.begun) return; // A blank line.
    this.fields.push(this.field);
    out.push(this.take());
  }

  private take(): CsvRecord {
    const record: CsvRecord =
      this.error === undefined ? { line: this.recordLine, fields: this.fields } : { line: this.recordLine, fields: this.fields, error: this.error };
    this.fields = [];
    this.field = '';
    this.chars = 0;
    this.error = undefined;
    this.begun = false;
    this.state = 'start';
    return record;
  }
}

/** The records of a stream of text chunks (a file read with an encoding set). */
export async function* csvRecords(chunks: AsyncIterable<string>): AsyncGenerator<CsvRecord> {
  const parser = new CsvParser();
  for await (const chunk of chunks) yield* parser.push(chunk);
  yield* parser.end();
}
