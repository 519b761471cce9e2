/**
 * The streaming CSV parser and JSONL line splitter on tricky input, fed
 * whole and cut at every position (a chunk boundary may fall anywhere: in a
 * CRLF, in a doubled quote, right after a BOM), and the row checks built on
 * them.
 */
import { describe, expect, it } from 'vitest';
import { CsvParser, MAX_RECORD_CHARS, type CsvRecord } from '../../cli/csv';
import { csvRows, jsonlRows, LabelFileError, type LabelRow } from './label-rows';
import { textLines, type Line } from './lines';

function parse(chunks: readonly string[]): CsvRecord[] {
  const parser = new CsvParser();
  return [...chunks.flatMap((c) => parser.push(c)), ...parser.end()];
}

/** The records of `text`, checked to be the same however the text is cut in two (at `cuts`, by default everywhere) or in single characters. */
function records(text: string, cuts: readonly number[] = Array.from({ length: text.length + 1 }, (_, i) => i)): CsvRecord[] {
  const whole = parse([text]);
  for (const cut of cuts) expect(parse([text.slice(0, cut), text.slice(cut)]), `cut at ${cut}`).toEqual(whole);
  expect(parse([...text])).toEqual(whole);
  return whole;
}

async function* chunked(text: string, size = 3): AsyncGenerator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('CsvParser', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, numbering records by their first line', () => {
    const text = 'key,label\n"a,b",1\n"say ""hi""",2\n"two\nlines",3\n"",4\nplain,5\n';
    expect(records(text)).toEqual([
      { line: 1, fields: ['key', 'label'] },
      { line: 2, fields: ['a,b', '1'] },
      { line: 3, fields: ['say "hi"', '2'] },
      { line: 4, fields: ['two\nlines', '3'] },
      { line: 6, fields: ['', '4'] },
      { line: 7, fields: ['plain', '5'] },
    ]);
  });

  it('takes CRLF, LF and a lone CR as line breaks, and keeps a CRLF inside quotes as data', () => {
    expect(records('a,b\r\n1,2\r\n"x\r\ny",3\r4,5\n6,7')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', '2'] },
      { line: 3, fields: ['x\r\ny', '3'] },
      { line: 5, fields: ['4', '5'] },
      { line: 6, fields: ['6', '7'] },
    ]);
  });

  it('skips a byte-order mark, blank lines and the empty trailing line, and keeps empty fields', () => {
    expect(records('\uFEFFkey,label\r\n\r\nk,1\r\n,\r\nk2,\r\n\r\n')).toEqual([
      { line: 1, fields: ['key', 'label'] },
      { line: 3, fields: ['k', '1'] },
      { line: 4, fields: ['', ''] },
      { line: 5, fields: ['k2', ''] },
    ]);
    // Only the first character of the input is a BOM; one later is data.
    expect(records('a\n\uFEFFb')).toEqual([
      { line: 1, fields: ['a'] },
      { line: 2, fields: ['\uFEFFb'] },
    ]);
    expect(records('')).toEqual([]);
    expect(records('\n\n')).toEqual([]);
  });

  it('returns malformed records with an error and goes on with the next', () => {
    const out = records('a"b,1\n"ok"x,2\n"fine",3\n"open,4\nnever closed');
    expect(out.map((r) => [r.line, r.error])).toEqual([
      [1, 'a quote inside an unquoted field (quote the whole field and double the quote)'],
      [2, 'text after the closing quote of a field'],
      [3, undefined],
      [4, 'a quoted field opened on line 4 is never closed'],
    ]);
    expect(out[2]?.fields).toEqual(['fine', '3']);
  });

  it('cuts off a record longer than the limit instead of holding it', () => {
    const long = 'x'.repeat(MAX_RECORD_CHARS + 10);
    const text = `"${long}\n${long}",1\nk,2\n`;
    const [bad, next] = records(text, [0, 1, 2, MAX_RECORD_CHARS - 1, MAX_RECORD_CHARS, MAX_RECORD_CHARS + 1, MAX_RECORD_CHARS + 12, text.length - 5]);
    expect(bad?.error).toBe(`the record is longer than ${MAX_RECORD_CHARS} characters`);
    expect(bad?.fields.join('').length).toBeLessThanOrEqual(MAX_RECORD_CHARS);
    expect(next).toEqual({ line: 3, fields: ['k', '2'] });
  });
});

describe('textLines', () => {
  it('numbers lines, drops the CR of CRLF and the BOM, and keeps a last line without a break', async () => {
    const lines = await collect(textLines(chunked('\uFEFFa\r\nbb\n\nc', 2), 10));
    expect(lines).toEqual<Line[]>([
      { line: 1, text: 'a', tooLong: false },
      { line: 2, text: 'bb', tooLong: false },
      { line: 3, text: '', tooLong: false },
      { line: 4, text: 'c', tooLong: false },
    ]);
  });

  it('flags a line longer than the cap and keeps only its beginning', async () => {
    const lines = await collect(textLines(chunked(`${'y'.repeat(25)}\r\n${'z'.repeat(10)}\r\nok\n`, 4), 10));
    expect(lines).toEqual<Line[]>([
      { line: 1, text: 'y'.repeat(10), tooLong: true },
      { line: 2, text: 'z'.repeat(10), tooLong: false },
      { line: 3, text: 'ok', tooLong: false },
    ]);
  });
});

const KNOWN = new Set(['0', '1', '2']);

describe('label rows', () => {
  it('checks CSV rows as the feedback route does, by column name, an empty time being no time', async () => {
    const text = 'label,key,time\n1,a,\n2,b,2026-11-29T12:00:00+01:00\n7,c,\n1,,\n1,d,2026-11-29\n1,e\n1,"f,g",\n';
    expect(await collect(csvRows(chunked(text), KNOWN))).toEqual<LabelRow[]>([
      { line: 2, label: { key: 'a', label: '1' } },
      { line: 3, label: { key: 'b', label: '2', time: '2026-11-29T12:00:00+01:00' } },
      { line: 4, error: 'label: "7" is not a label of the model pack ("0", "1", "2")' },
      { line: 5, error: 'key: Too small: expected string to have >=1 characters' },
      { line: 6, error: 'time: Invalid ISO datetime' },
      { line: 7, error: '2 fields; the header has 3' },
      { line: 8, label: { key: 'f,g', label: '1' } },
    ]);
  });

  it('refuses a CSV file whose header the rows cannot be read by', async () => {
    await expect(collect(csvRows(chunked('key,lable\nk,1\n'), KNOWN))).rejects.toThrow('line 1: unknown column "lable"');
    await expect(collect(csvRows(chunked('key\nk\n'), KNOWN))).rejects.toThrow('line 1: the header has no label column (it names "key")');
    await expect(collect(csvRows(chunked('key,label,key\n'), KNOWN))).rejects.toThrow('column "key" appears twice');
    await expect(collect(csvRows(chunked('\n\n'), KNOWN))).rejects.toThrow(LabelFileError);
  });

  it('checks JSONL rows: JSON, the schema (no other fields) and the label, skipping blank lines', async () => {
    const text =
      '{"key":"a","label":"1"}\r\n\r\n{"key":"b","label":"2","time":"2026-11-29T12:00:00Z"}\n{"key":"c"\n{"key":"d","label":"1","extra":1}\n[1]\n{"key":"e","label":1}\n';
    const rows = await collect(jsonlRows(chunked(text, 5), KNOWN));
    expect(rows.map((r) => r.line)).toEqual([1, 3, 4, 5, 6, 7]);
    expect(rows[0]).toEqual({ line: 1, label: { key: 'a', label: '1' } });
    expect(rows[1]).toEqual({ line: 3, label: { key: 'b', label: '2', time: '2026-11-29T12:00:00Z' } });
    expect(rows[2]).toMatchObject({ error: expect.stringMatching(/^not JSON: /) as unknown });
    expect(rows[3]).toEqual({ line: 5, error: 'row: Unrecognized key: "extra"' });
    expect(rows[4]).toEqual({ line: 6, error: 'row: Invalid input: expected object, received array' });
    expect(rows[5]).toEqual({ line: 7, error: 'label: Invalid input: expected string, received number' });
  });
});
