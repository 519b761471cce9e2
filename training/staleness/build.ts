/**
 * Writes the simulated drifting stream for staleness.py: per month, training
 * drawings (digits of the split's training part) and test drawings (held-out
 * digits), drawn in that month's style and put through the app's
 * preprocessing (drift.ts). Files: train.u8 [months, trainPerMonth, 784],
 * train-labels.u8, test.u8 [months, testPerMonth, 784], test-labels.u8, and
 * meta.json with the options and each month's style.
 * Usage: tsx training/staleness/build.ts <out-dir> [--months N] [--train N] [--test N] [--seed N]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadMnistDigits, PIXELS } from '../data/mnist-source';
import { splitDigits } from '../data/split';
import { DEFAULT_STREAM, monthSlices, type StreamOptions } from './drift';

const toBytes = (values: Float32Array) => Uint8Array.from(values, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));

function options(): { outDir: string; stream: StreamOptions } {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { months: { type: 'string' }, train: { type: 'string' }, test: { type: 'string' }, seed: { type: 'string' } },
  });
  const count = (value: string | undefined, fallback: number, name: string) => {
    const n = value === undefined ? fallback : Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, not ${value}`);
    return n;
  };
  const stream = {
    months: count(values.months, DEFAULT_STREAM.months, 'months'),
    trainPerMonth: count(values.train, DEFAULT_STREAM.trainPerMonth, 'train'),
    testPerMonth: count(values.test, DEFAULT_STREAM.testPerMonth, 'test'),
    seed: count(values.seed, DEFAULT_STREAM.seed, 'seed'),
  };
  if (stream.months < 2) throw new Error('--months must be at least 2');
  return { outDir: positionals[0] ?? 'training/.cache/staleness', stream };
}

async function main(): Promise<void> {
  const { outDir, stream } = options();
  await mkdir(outDir, { recursive: true });
  const digits = loadMnistDigits();
  const split = splitDigits(digits);
  const train = new Uint8Array(stream.months * stream.trainPerMonth * PIXELS);
  const test = new Uint8Array(stream.months * stream.testPerMonth * PIXELS);
  const trainLabels: number[] = [];
  const testLabels: number[] = [];
  const styles = [];
  for (let month = 0; month < stream.months; month++) {
    const slices = monthSlices(digits, { train: split.train, test: split.heldout }, month, stream);
    train.set(toBytes(slices.train.inputs), month * stream.trainPerMonth * PIXELS);
    test.set(toBytes(slices.test.inputs), month * stream.testPerMonth * PIXELS);
    trainLabels.push(...slices.train.labels);
    testLabels.push(...slices.test.labels);
    styles.push(slices.train.style);
    process.stdout.write(`\rdrew month ${month + 1}/${stream.months}`);
  }
  process.stdout.write('\n');
  await writeFile(join(outDir, 'train.u8'), train);
  await writeFile(join(outDir, 'train-labels.u8'), Uint8Array.from(trainLabels));
  await writeFile(join(outDir, 'test.u8'), test);
  await writeFile(join(outDir, 'test-labels.u8'), Uint8Array.from(testLabels));
  await writeFile(join(outDir, 'meta.json'), JSON.stringify({ source: 'simulated drift', ...stream, pixels: PIXELS, styles }, null, 2));
  console.log(
    `wrote ${outDir}: ${stream.months} months of ${stream.trainPerMonth} training and ${stream.testPerMonth} test drawings (training part and held-out part of the split)`,
  );
}

await main();
