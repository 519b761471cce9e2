/**
 * Negatives: drawings that are not a single digit (scribbles, letters,
 * shapes, dots and dashes, blobs, crossed-out digits, several digits in a
 * row), drawn on the pad as a person would and put through the app's own
 * preprocessing, so a model sees them exactly as it would see a user's
 * drawing. Seeded: the same kind, count and seed give byte-identical samples.
 */
import { preprocessMnistCom } from '../../src/core/preprocess/mnist-com';
import { createInkRaster } from '../../src/core/preprocess/raster';
import { PIXELS } from './mnist-source';
import { NEGATIVE_KINDS, negativeKind, type KindSplit, type NegativeKind } from './negatives/kinds';
import { PAD } from './negatives/pen';
import { seededRandom } from './random';

export { FAMILY_SHARES, HELDOUT_KINDS, NEGATIVE_FAMILIES, NEGATIVE_KINDS, negativeKind, type NegativeKind } from './negatives/kinds';

/** Training and validation sets hold the training kinds (different samples); the held-out set holds the held-out kinds. */
export type NegativePart = 'train' | 'validation' | 'heldout';

export const NEGATIVE_SEEDS: Readonly<Record<NegativePart, number>> = { train: 1201, validation: 1202, heldout: 1203 };

/** How many negatives each part holds, against 7,000 training digits (times their copies), 1,000 validation and 2,000 held out. */
export const NEGATIVE_COUNTS: Readonly<Record<NegativePart, number>> = { train: 14_000, validation: 2_000, heldout: 2_000 };

const splitOfPart = (part: NegativePart): KindSplit => (part === 'heldout' ? 'heldout' : 'train');

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

function mix(hash: number, value: number): number {
  let h = Math.imul(hash ^ value, 0x5bd1e995);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca6b);
  return (h ^ (h >>> 13)) >>> 0;
}

/** Each sample has its own PRNG stream, so a sample does not depend on how many came before it. */
export function sampleSeed(seed: number, kind: string, index: number): number {
  return mix(mix(mix(0x9e3779b9, seed >>> 0), fnv1a(kind)), index);
}

/** One negative of `kind` on the pad: the raw 280x280 ink, before preprocessing. */
export function drawNegative(kind: string, seed: number, index: number): Float32Array {
  return negativeKind(kind).draw(seededRandom(sampleSeed(seed, kind, index)));
}

/** `count` negatives of `kind`, each 784 values as the app's preprocessing gives them. */
export function generateNegatives(kind: string, count: number, seed: number): Float32Array[] {
  negativeKind(kind);
  return Array.from({ length: count }, (_, index) => preprocessMnistCom(createInkRaster(PAD, PAD, drawNegative(kind, seed, index))));
}

/** The kinds a part draws from. */
export function kindsOf(part: NegativePart): NegativeKind[] {
  return NEGATIVE_KINDS.filter((kind) => kind.split === splitOfPart(part));
}

/** Splits `count` by the kinds' shares (largest remainder; ties to the earlier kind). */
export function allocate(kinds: readonly NegativeKind[], count: number): number[] {
  const exact = kinds.map((kind) => kind.share * count);
  const counts = exact.map(Math.floor);
  const order = exact.map((value, i) => ({ i, rest: value - Math.floor(value) })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  let left = count - counts.reduce((sum, n) => sum + n, 0);
  for (const { i } of order) {
    if (left-- <= 0) break;
    counts[i] = (counts[i] as number) + 1;
  }
  return counts;
}

export interface NegativeSet {
  /** [count * 784], kind by kind in the order of NEGATIVE_KINDS. */
  readonly inputs: Float32Array;
  /** The kind of each row. */
  readonly kinds: string[];
}

/** A part's negatives: `count` in all, each kind by its share, each kind from its own stream of the part's seed. */
export function buildNegativeSet(part: NegativePart, count = NEGATIVE_COUNTS[part], seed = NEGATIVE_SEEDS[part]): NegativeSet {
  const kinds = kindsOf(part);
  const counts = allocate(kinds, count);
  const inputs = new Float32Array(count * PIXELS);
  const rows: string[] = [];
  kinds.forEach((kind, k) => {
    for (const sample of generateNegatives(kind.id, counts[k] as number, seed)) {
      inputs.set(sample, rows.length * PIXELS);
      rows.push(kind.id);
    }
  });
  return { inputs, kinds: rows };
}
