/**
 * The kinds of negatives, their share of a set, and the fixed split of whole
 * kinds: the held-out kinds are never trained on nor used to choose anything,
 * so the share of them a model rejects measures how it treats kinds of
 * non-digits it has never seen.
 */
import { drawCrossedOut, drawDigitRow } from './digits';
import { drawTemplate } from './hand';
import { LETTERS } from './letters';
import { drawBlob, drawDashes, drawDots, drawScribble } from './marks';
import { SHAPES, templateOf } from './shapes';

export const NEGATIVE_FAMILIES = ['scribble', 'letter', 'shape', 'dots-dashes', 'blob', 'crossed-out', 'digits'] as const;
export type NegativeFamily = (typeof NEGATIVE_FAMILIES)[number];

/** Training and validation draw from the training kinds; the held-out set from the held-out kinds. */
export type KindSplit = 'train' | 'heldout';

/**
 * Each family's share of the training set (and of the validation set, which
 * has the same kinds) and of the held-out set, split evenly over its kinds.
 */
export const FAMILY_SHARES: Readonly<Record<NegativeFamily, Readonly<Record<KindSplit, number>>>> = {
  scribble: { train: 0.2, heldout: 0 },
  letter: { train: 0.25, heldout: 0.4 },
  shape: { train: 0.15, heldout: 0.36 },
  'dots-dashes': { train: 0.1, heldout: 0 },
  blob: { train: 0.08, heldout: 0 },
  'crossed-out': { train: 0.12, heldout: 0 },
  digits: { train: 0.1, heldout: 0.24 },
};

/** Kinds held out whole: some letters, some shapes, and rows of three digits (training sees pairs). */
export const HELDOUT_KINDS: readonly string[] = [
  'letter-K',
  'letter-k',
  'letter-R',
  'letter-W',
  'letter-e',
  'shape-star',
  'shape-heart',
  'shape-hash',
  'three-digits',
];

export interface NegativeKind {
  readonly id: string;
  readonly family: NegativeFamily;
  readonly split: KindSplit;
  /** Its share of the set of its split (training or held out). */
  readonly share: number;
  /** Draws one sample on the pad: the 280x280 ink the app's preprocessing reads. */
  readonly draw: (random: () => number) => Float32Array;
}

const drafts: Omit<NegativeKind, 'split' | 'share'>[] = [
  { id: 'scribble', family: 'scribble', draw: drawScribble },
  ...Object.entries(LETTERS).map(([letter, template]) => ({
    id: `letter-${letter}`,
    family: 'letter' as const,
    draw: (random: () => number) => drawTemplate(template, random),
  })),
  ...Object.entries(SHAPES).map(([shape, source]) => ({
    id: `shape-${shape}`,
    family: 'shape' as const,
    draw: (random: () => number) => drawTemplate(templateOf(source, random), random),
  })),
  { id: 'dots', family: 'dots-dashes', draw: drawDots },
  { id: 'dashes', family: 'dots-dashes', draw: drawDashes },
  { id: 'blob', family: 'blob', draw: drawBlob },
  { id: 'crossed-out', family: 'crossed-out', draw: (random) => drawCrossedOut('cross', random) },
  { id: 'scribbled-over', family: 'crossed-out', draw: (random) => drawCrossedOut('scribble', random) },
  { id: 'hatched-over', family: 'crossed-out', draw: (random) => drawCrossedOut('hatch', random) },
  { id: 'two-digits', family: 'digits', draw: (random) => drawDigitRow(2, random) },
  { id: 'three-digits', family: 'digits', draw: (random) => drawDigitRow(3, random) },
];

const splitOf = (id: string): KindSplit => (HELDOUT_KINDS.includes(id) ? 'heldout' : 'train');

export const NEGATIVE_KINDS: readonly NegativeKind[] = drafts.map((draft) => {
  const split = splitOf(draft.id);
  const siblings = drafts.filter((d) => d.family === draft.family && splitOf(d.id) === split).length;
  return { ...draft, split, share: FAMILY_SHARES[draft.family][split] / siblings };
});

export function negativeKind(id: string): NegativeKind {
  const kind = NEGATIVE_KINDS.find((k) => k.id === id);
  if (!kind) throw new Error(`unknown negative kind "${id}"; known: ${NEGATIVE_KINDS.map((k) => k.id).join(', ')}`);
  return kind;
}
