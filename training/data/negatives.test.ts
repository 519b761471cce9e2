/**
 * Negatives: seeded and byte-for-byte repeatable, every kind preprocessed as
 * a drawn digit is, held-out kinds kept out of training, and each kind's
 * share of a set as documented.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { drawnPixels } from '../../test/drawn-digits';
import { loadMnistDigits } from './mnist-source';
import {
  allocate,
  buildNegativeSet,
  FAMILY_SHARES,
  generateNegatives,
  HELDOUT_KINDS,
  kindsOf,
  NEGATIVE_COUNTS,
  NEGATIVE_FAMILIES,
  NEGATIVE_KINDS,
  type NegativePart,
} from './negatives';
import { digitPool } from './negatives/digits';
import { LETTERS } from './negatives/letters';
import { SHAPES } from './negatives/shapes';
import { splitDigits } from './split';

const bytes = (samples: readonly Float32Array[]) => Buffer.concat(samples.map((s) => Buffer.from(s.buffer, s.byteOffset, s.byteLength)));
const digest = (sample: Float32Array) =>
  createHash('sha256')
    .update(Buffer.from(sample.buffer, sample.byteOffset, sample.byteLength))
    .digest('hex');

describe('determinism', () => {
  it.each(NEGATIVE_KINDS.map((k) => k.id))('%s: the same seed gives byte-identical samples, another seed others', (kind) => {
    const first = generateNegatives(kind, 3, 7);
    expect(bytes(generateNegatives(kind, 3, 7)).equals(bytes(first))).toBe(true);
    // Each sample has its own stream: asking for fewer gives the same first ones.
    expect(bytes(generateNegatives(kind, 2, 7)).equals(bytes(first.slice(0, 2)))).toBe(true);
    expect(bytes(generateNegatives(kind, 3, 8)).equals(bytes(first))).toBe(false);
    expect(new Set(first.map(digest)).size).toBe(3);
  });
});

/** What the app's preprocessing makes of any drawing: ink in 0..1, its box fitted into 20x20, its centre of mass at the field's centre. */
function normalization(sample: Float32Array) {
  let mass = 0;
  let sx = 0;
  let sy = 0;
  let minX = 28;
  let minY = 28;
  let maxX = -1;
  let maxY = -1;
  let inRange = sample.length === 784;
  sample.forEach((v, i) => {
    if (!(v >= 0 && v <= 1)) inRange = false;
    if (!(v > 0)) return;
    const x = i % 28;
    const y = Math.floor(i / 28);
    mass += v;
    sx += (x + 0.5) * v;
    sy += (y + 0.5) * v;
    [minX, minY, maxX, maxY] = [Math.min(minX, x), Math.min(minY, y), Math.max(maxX, x), Math.max(maxY, y)];
  });
  const [width, height] = [maxX - minX + 1, maxY - minY + 1];
  return { inRange, mass, longer: Math.max(width, height), shorter: Math.min(width, height), dx: sx / mass - 14, dy: sy / mass - 14 };
}

describe('every kind looks to the model like a drawing on the pad', () => {
  it('as the drawn-digit fixtures do (the check itself)', () => {
    for (const width of [10, 18, 30]) {
      for (let digit = 0; digit < 10; digit++) {
        const n = normalization(Float32Array.from(drawnPixels(digit, width)));
        expect(n).toMatchObject({ inRange: true, longer: 20 });
        expect(Math.abs(n.dx)).toBeLessThanOrEqual(1);
        expect(Math.abs(n.dy)).toBeLessThanOrEqual(1);
      }
    }
  });

  it.each(NEGATIVE_KINDS.map((k) => k.id))('%s: non-empty, in range, fitted into the 20x20 box and centred', (kind) => {
    for (const sample of generateNegatives(kind, 12, 11)) {
      const n = normalization(sample);
      expect(n.inRange).toBe(true);
      expect(n.mass).toBeGreaterThan(5);
      expect(n.mass).toBeLessThanOrEqual(400);
      expect(n.longer).toBe(20);
      expect(n.shorter).toBeGreaterThanOrEqual(3);
      expect(Math.abs(n.dx)).toBeLessThanOrEqual(1);
      expect(Math.abs(n.dy)).toBeLessThanOrEqual(1);
    }
  });
});

describe('the split of whole kinds', () => {
  const heldout = new Set(HELDOUT_KINDS);

  it('holds out known kinds, among them letters and shapes, and leaves most for training', () => {
    const ids = NEGATIVE_KINDS.map((k) => k.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of HELDOUT_KINDS) expect(ids).toContain(id);
    const heldOutFamilies = new Set(NEGATIVE_KINDS.filter((k) => heldout.has(k.id)).map((k) => k.family));
    expect([...heldOutFamilies]).toEqual(expect.arrayContaining(['letter', 'shape']));
    expect(kindsOf('train').length).toBeGreaterThan(3 * kindsOf('heldout').length);
    for (const kind of NEGATIVE_KINDS) expect(kind.split).toBe(heldout.has(kind.id) ? 'heldout' : 'train');
  });

  it('never puts a held-out kind in the training or validation set, and only held-out kinds in the held-out set', () => {
    const train = buildNegativeSet('train', 300);
    const validation = buildNegativeSet('validation', 150);
    const held = buildNegativeSet('heldout', 150);
    for (const kind of [...train.kinds, ...validation.kinds]) expect(heldout.has(kind)).toBe(false);
    for (const kind of held.kinds) expect(heldout.has(kind)).toBe(true);
    // Validation draws other samples of the training kinds than training does.
    const rows = (set: { inputs: Float32Array }) =>
      Array.from({ length: set.inputs.length / 784 }, (_, i) => digest(set.inputs.subarray(i * 784, (i + 1) * 784)));
    const trained = new Set(rows(train));
    expect(rows(validation).filter((row) => trained.has(row))).toEqual([]);
  });

  it('makes its digit-based negatives of training digits only', () => {
    const digits = loadMnistDigits();
    const split = splitDigits(digits);
    const train = new Set(split.train);
    const pool = digitPool();
    expect(pool.length).toBe(split.train.length);
    for (const digit of pool) expect(train.has(digit.index)).toBe(true);
  });
});

describe('shares', () => {
  it('are as documented: per family, split evenly over its kinds', () => {
    expect(FAMILY_SHARES).toEqual({
      scribble: { train: 0.2, heldout: 0 },
      letter: { train: 0.25, heldout: 0.4 },
      shape: { train: 0.15, heldout: 0.36 },
      'dots-dashes': { train: 0.1, heldout: 0 },
      blob: { train: 0.08, heldout: 0 },
      'crossed-out': { train: 0.12, heldout: 0 },
      digits: { train: 0.1, heldout: 0.24 },
    });
    for (const family of NEGATIVE_FAMILIES) {
      for (const split of ['train', 'heldout'] as const) {
        const kinds = NEGATIVE_KINDS.filter((k) => k.family === family && k.split === split);
        const total = kinds.reduce((sum, k) => sum + k.share, 0);
        expect(total).toBeCloseTo(FAMILY_SHARES[family][split], 12);
        for (const kind of kinds) expect(kind.share).toBeCloseTo(total / kinds.length, 12);
      }
    }
  });

  it.each(['train', 'heldout'] as const)('of the %s kinds add up to one', (split) => {
    expect(kindsOf(split).reduce((sum, k) => sum + k.share, 0)).toBeCloseTo(1, 12);
  });

  it.each([
    ['train', 1000],
    ['validation', 777],
    ['heldout', 250],
  ] as [NegativePart, number][])('give each kind its share of a %s set of %i', (part, count) => {
    const set = buildNegativeSet(part, count);
    expect(set.kinds).toHaveLength(count);
    expect(set.inputs).toHaveLength(count * 784);
    for (const kind of kindsOf(part)) {
      const n = set.kinds.filter((k) => k === kind.id).length;
      expect(Math.abs(n - kind.share * count)).toBeLessThan(1);
    }
  });

  it('split any count exactly', () => {
    for (const count of [0, 1, 7, 100, NEGATIVE_COUNTS.train]) {
      const counts = allocate(kindsOf('train'), count);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(count);
    }
  });
});

describe('templates', () => {
  it('leave out the letters a person may draw as a digit', () => {
    for (const letter of 'OoQDIliJjZzSsGbTtBqgyCc') expect(Object.keys(LETTERS)).not.toContain(letter);
  });

  it('leave out the shapes a person may draw as a digit', () => {
    for (const shape of ['circle', 'ellipse', 'line', 'arc', 'spiral', 'check']) expect(Object.keys(SHAPES)).not.toContain(shape);
  });
});
