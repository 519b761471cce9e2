/**
 * Writes the training data for train.py: augmented copies of the training
 * part, and the clean validation and held-out parts, all through the app's
 * preprocessing; then the negatives (negatives.ts) in files of their own,
 * from seeds of their own, so the digits' files stay as they were.
 * Usage: tsx training/data/build.ts <out-dir> [copies] [--if-missing]
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { quantizeInput as toBytes } from '../../src/core/preprocess/input-bytes';
import { writeSamples } from '../../tools/onnx/samples-file';
import { augmentDigit } from './augment';
import { asSamples, preprocessedPart } from './datasets';
import { loadMnistDigits, mnistPackageVersion, PIXELS } from './mnist-source';
import { NEGATIVE_COUNTS } from './negatives';
import { writeNegatives } from './negatives/write';
import { seededRandom } from './random';
import { indicesSha256, SPLIT_METHOD, SPLIT_RECIPE, splitDigits } from './split';

const AUGMENT_SEED = 7;
const CALIBRATION_COUNT = 512;
/** Negatives in the calibration set, so the int8 ranges also cover what is not a digit. */
const CALIBRATION_NEGATIVES = 128;
/** The reject class's index (training/models.py): negatives' label. */
const REJECT_INDEX = 10;

/**
 * Builds into a folder of its own and renames it into place whole: a retraining that finds the data
 * missing builds it, and two at once (tests run in parallel) must never read each other's half-written files.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  // --if-missing (a retraining that found no data): a complete folder another build put in place meanwhile is kept.
  const ifMissing = args.includes('--if-missing');
  const [target = 'training/.cache/data', copiesText = '24'] = args.filter((a) => a !== '--if-missing');
  const copies = Number(copiesText);
  const complete = () => existsSync(join(target, 'meta.json'));
  if (ifMissing && complete()) return;
  const outDir = `${target}.building-${process.pid}`;
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  await build(outDir, copies);
  if (ifMissing && complete()) {
    await rm(outDir, { recursive: true, force: true });
    return;
  }
  const old = `${target}.old-${process.pid}`;
  await rename(target, old).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
  await rename(outDir, target);
  await rm(old, { recursive: true, force: true });
  console.log(`wrote ${target}: ${copies} augmented copies of the training part, validation and held-out parts, negatives`);
}

async function build(outDir: string, copies: number): Promise<void> {
  const digits = loadMnistDigits();
  const split = splitDigits(digits);
  const random = seededRandom(AUGMENT_SEED);

  // Copy 0 is the clean digit; the others are fresh augmentations of it.
  const train = new Uint8Array(copies * split.train.length * PIXELS);
  const clean = preprocessedPart(digits, split.train);
  for (let copy = 0; copy < copies; copy++) {
    split.train.forEach((index, row) => {
      const digit = digits[index];
      if (!digit) throw new Error(`no digit at index ${index}`);
      const pixels = copy === 0 ? clean.inputs.subarray(row * PIXELS, (row + 1) * PIXELS) : augmentDigit(digit.pixels, random);
      train.set(toBytes(pixels), (copy * split.train.length + row) * PIXELS);
    });
    process.stdout.write(`\raugmented copy ${copy + 1}/${copies}`);
  }
  process.stdout.write('\n');
  await writeFile(join(outDir, 'train.u8'), train);
  await writeFile(join(outDir, 'train-labels.u8'), Uint8Array.from(clean.labels));

  for (const part of ['validation', 'heldout'] as const) {
    const set = preprocessedPart(digits, split[part]);
    await writeFile(join(outDir, `${part}.f32`), new Uint8Array(set.inputs.buffer));
    await writeFile(join(outDir, `${part}-labels.u8`), Uint8Array.from(set.labels));
    await writeSamples(join(outDir, `${part}.samples.json`), asSamples(set));
  }

  const negatives = await writeNegatives(outDir);
  console.log(`wrote ${outDir}/negatives*: ${NEGATIVE_COUNTS.train} training, ${NEGATIVE_COUNTS.validation} validation, ${NEGATIVE_COUNTS.heldout} held out`);

  // Calibration: a spread of clean and augmented training digits, then training negatives evenly over their kinds.
  const calibration = new Float32Array((CALIBRATION_COUNT + CALIBRATION_NEGATIVES) * PIXELS);
  const calibrationLabels: number[] = [];
  for (let i = 0; i < CALIBRATION_COUNT; i++) {
    const row = Math.floor(random() * split.train.length);
    const copy = i % copies;
    const start = (copy * split.train.length + row) * PIXELS;
    calibration.set(
      Array.from(train.subarray(start, start + PIXELS), (b) => b / 255),
      i * PIXELS,
    );
    calibrationLabels.push(clean.labels[row] ?? 0);
  }
  const negativeRows = negatives.length / PIXELS;
  for (let i = 0; i < CALIBRATION_NEGATIVES; i++) {
    const row = Math.floor((i * negativeRows) / CALIBRATION_NEGATIVES);
    calibration.set(negatives.subarray(row * PIXELS, (row + 1) * PIXELS), (CALIBRATION_COUNT + i) * PIXELS);
    calibrationLabels.push(REJECT_INDEX);
  }
  await writeSamples(join(outDir, 'calibration.samples.json'), {
    shape: [CALIBRATION_COUNT + CALIBRATION_NEGATIVES, 1, 28, 28],
    data: calibration,
    labels: calibrationLabels,
  });

  const meta = {
    source: { package: 'mnist', version: mnistPackageVersion(), count: digits.length },
    split: { ...SPLIT_RECIPE, method: SPLIT_METHOD, counts: { train: split.train.length, validation: split.validation.length, heldout: split.heldout.length } },
    heldoutIndicesSha256: indicesSha256(split.heldout),
    validationIndicesSha256: indicesSha256(split.validation),
    augmentSeed: AUGMENT_SEED,
    copies,
    pixels: PIXELS,
  };
  await writeFile(join(outDir, 'meta.json'), JSON.stringify(meta, null, 2));
  console.log(`${copies} x ${split.train.length} training, ${split.validation.length} validation, ${split.heldout.length} held out`);
}

await main();
