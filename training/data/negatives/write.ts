/**
 * Writes the negatives next to the digits' training data, in the same forms:
 * the training part as bytes (as train.u8), the validation and held-out parts
 * as samples files (float32, unlabelled), and negatives.json naming the kind
 * of every row, the seeds and the split of kinds.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { quantizeInput as toBytes } from '../../../src/core/preprocess/input-bytes';
import { writeSamples } from '../../../tools/onnx/samples-file';
import { PIXELS } from '../mnist-source';
import { buildNegativeSet, HELDOUT_KINDS, NEGATIVE_COUNTS, NEGATIVE_KINDS, NEGATIVE_SEEDS, type NegativePart } from '../negatives';

/** Consecutive rows of one kind. */
export interface KindRows {
  readonly kind: string;
  readonly start: number;
  readonly count: number;
}

function runs(kinds: readonly string[]): KindRows[] {
  const out: KindRows[] = [];
  kinds.forEach((kind, row) => {
    const last = out.at(-1);
    if (last?.kind === kind) out[out.length - 1] = { ...last, count: last.count + 1 };
    else out.push({ kind, start: row, count: 1 });
  });
  return out;
}

/** Writes the three parts; returns the training part's inputs. */
export async function writeNegatives(outDir: string, counts: Readonly<Record<NegativePart, number>> = NEGATIVE_COUNTS): Promise<Float32Array> {
  const rows: Partial<Record<NegativePart, KindRows[]>> = {};
  let train: Float32Array = new Float32Array(0);
  const files: Record<NegativePart, string> = {
    train: 'negatives-train.u8',
    validation: 'negatives-validation.samples.json',
    heldout: 'negatives-heldout.samples.json',
  };
  for (const part of ['train', 'validation', 'heldout'] as const) {
    const set = buildNegativeSet(part, counts[part]);
    rows[part] = runs(set.kinds);
    if (part === 'train') {
      train = set.inputs;
      await writeFile(join(outDir, files[part]), toBytes(set.inputs));
    } else await writeSamples(join(outDir, files[part]), { shape: [set.kinds.length, 1, 28, 28], data: set.inputs });
  }
  const meta = {
    method:
      'each sample drawn on the 280 px pad from its own mulberry32 stream (seeded by the part seed, the kind and the row within the kind), then preprocessed by mnist-28x28-com; training and validation hold the training kinds, the held-out part only the held-out kinds',
    seeds: NEGATIVE_SEEDS,
    counts,
    pixels: PIXELS,
    files,
    heldoutKinds: HELDOUT_KINDS,
    kinds: NEGATIVE_KINDS.map(({ id, family, split, share }) => ({ id, family, split, share })),
    rows,
  };
  await writeFile(join(outDir, 'negatives.json'), JSON.stringify(meta, null, 2));
  return train;
}
