/**
 * The plan of a JSONL input finds the keys each line has exactly as a chunk
 * reads them (jsonlKey on the decoded line), also where it reads a key from
 * the line's bytes without decoding it: repeated keys in any spelling, lines
 * with a byte-order mark, CRLF, blank lines, keys with escapes or beyond
 * ASCII, and lines that are not the plain form.
 */
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scratch } from '../../test/batch/inputs';
import type { ModelEntry } from '../../src/core/manifest';
import { byteLines } from './input/byte-lines';
import { jsonlKey } from './input/keys';
import { plan } from './plan';

const ENTRY = { name: 'm', version: '1', inputs: [{ name: 'x', shape: [-1, 4] }] } as unknown as ModelEntry;
const P = '"pixels":[0,0.5,1,0]';

/** The repeated keys as a chunk would find them: every non-blank line's key by jsonlKey, [line, first line]. */
async function repeatsByLines(path: string): Promise<[number, number][]> {
  const seen = new Map<string, number>();
  const repeats: [number, number][] = [];
  for await (const { line, text } of byteLines(path, { start: 0, firstLine: 1 })) {
    if (text.trim() === '') continue;
    const found = jsonlKey(text, 'key');
    if (!found.present || found.key === undefined) continue;
    const first = seen.get(found.key);
    if (first === undefined) seen.set(found.key, line);
    else repeats.push([line, first]);
  }
  return repeats;
}

describe('the plan of a JSONL input', () => {
  it('finds every repeated key as the chunks read keys, whether it read the line’s bytes or its text', async () => {
    const lines = [
      `\ufeff{"key":"a",${P}}`,
      `{"key":"b",${P}}\r`,
      '   ',
      `\t{ "key" : "a" , ${P} }`,
      `{"key":"a\\u0062",${P}}`,
      `{"key":"ab",${P}}`,
      `\u000b{"key":"c",${P}}`,
      `{"key":"c",${P}}`,
      `{"key":"",${P}}`,
      `{"key":"${'x'.repeat(257)}",${P}}`,
      `{"key":"${'x'.repeat(257)}",${P}}`,
      `{"key":"${'y'.repeat(256)}",${P}}`,
      `{"key":"${'y'.repeat(256)}",${P}}`,
      `{${P},"key":"late"}`,
      `{"key":"late",${P}}`,
      `{"key":"é",${P}}`,
      `{"key":"\\u00e9",${P}}`,
      `{"key":"tab\there",${P}}`,
      `{"key":"q\\"t",${P}}`,
      `{"key":"q\\u0022t",${P}}`,
      `{"key":5,${P}}`,
      `{"key":"5",${P}}`,
      'not json',
      '{"key":"k1"',
      `{"key":"k1",${P}}`,
      `\u00a0{"key":"nb",${P}}`,
      `{"key":"nb",${P}}`,
      `{"key":"b",${P}}`,
    ];
    const dir = scratch('plan-');
    const input = join(dir, 'in.jsonl');
    writeFileSync(input, `${lines.join('\n')}\n`);
    const job = await plan({ model: 'm', input, output: join(dir, 'out'), signature: 'serving_default', chunkRows: 4, registry: dir }, ENTRY);
    const repeats = job.chunks.flatMap((c) => c.duplicates);
    expect(repeats).toEqual(await repeatsByLines(input));
    expect(repeats).toEqual([
      [4, 1],
      [6, 5],
      [8, 7],
      [13, 12],
      [15, 14],
      [17, 16],
      [20, 19],
      [22, 21],
      [25, 24],
      [27, 26],
      [28, 2],
    ]);
    expect(job.rows).toBe(lines.length - 1);
    expect(job.chunks.map((c) => c.rows)).toEqual([4, 4, 4, 4, 4, 4, 3]);
    expect(job.chunks.at(-1)?.end).toBe(Buffer.byteLength(`${lines.join('\n')}\n`));
  });
});
