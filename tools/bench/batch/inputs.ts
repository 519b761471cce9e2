/**
 * bench:batch inputs: keyed JSONL rows of the ten drawn digits, as a client
 * would send them to :predict. Each file is flushed to disk before it is
 * used, so no run measures the write-back of the one before.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { drawnPixels } from '../../../test/drawn-digits';

export interface Input {
  readonly path: string;
  readonly rows: number;
}

export async function writeInput(path: string, rows: number): Promise<Input> {
  const lines = Array.from({ length: 10 }, (_, d) => JSON.stringify(drawnPixels(d)));
  const out = createWriteStream(path);
  for (let i = 0; i < rows; i++) {
    if (!out.write(`{"key":"row-${i}","pixels":${lines[i % 10]}}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const file = await open(path, 'r+');
  await file.sync().finally(() => file.close());
  return { path, rows };
}
