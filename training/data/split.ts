/**
 * The fixed, stratified split. Per class, the digits' source indices are
 * shuffled with a seeded PRNG; the first `heldoutPerClass` are held out
 * (never trained on, never used to choose anything), the next
 * `validationPerClass` choose the gate threshold, the rest train.
 */
import { createHash } from 'node:crypto';
import type { Digit } from './mnist-source';
import { seededRandom, shuffleInPlace } from './random';

export interface SplitRecipe {
  readonly seed: number;
  readonly heldoutPerClass: number;
  readonly validationPerClass: number;
}

export const SPLIT_RECIPE: SplitRecipe = { seed: 20260, heldoutPerClass: 200, validationPerClass: 100 };

export const SPLIT_METHOD =
  'per class, shuffle the source indices with mulberry32(seed) Fisher-Yates; first heldoutPerClass are held out, next validationPerClass validate, the rest train; each part sorted by index';

export interface Split {
  readonly train: number[];
  readonly validation: number[];
  readonly heldout: number[];
}

export function splitDigits(digits: readonly Digit[], recipe: SplitRecipe = SPLIT_RECIPE): Split {
  const random = seededRandom(recipe.seed);
  const split: Split = { train: [], validation: [], heldout: [] };
  for (let label = 0; label < 10; label++) {
    const indices = shuffleInPlace(
      digits.filter((d) => d.label === label).map((d) => d.index),
      random,
    );
    const validationEnd = recipe.heldoutPerClass + recipe.validationPerClass;
    split.heldout.push(...indices.slice(0, recipe.heldoutPerClass));
    split.validation.push(...indices.slice(recipe.heldoutPerClass, validationEnd));
    split.train.push(...indices.slice(validationEnd));
  }
  for (const part of Object.values(split)) part.sort((a: number, b: number) => a - b);
  return split;
}

/** Fingerprint of a list of indices, recorded in the manifest so the split can be checked. */
export function indicesSha256(indices: readonly number[]): string {
  return createHash('sha256').update(indices.join(',')).digest('hex');
}
