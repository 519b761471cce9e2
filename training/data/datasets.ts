/**
 * Held-out and validation sets rebuilt from the MNIST package and the recorded
 * split, and the negatives regenerated from their seeds, for packing, the
 * report and the pack's tests.
 */
import type { Samples } from '../../tools/onnx/samples-file';
import { preprocessMnistCom } from '../../src/core/preprocess/mnist-com';
import { createInkRaster } from '../../src/core/preprocess/raster';
import { loadMnistDigits, PIXELS, type Digit } from './mnist-source';
import { buildNegativeSet, type NegativeSet } from './negatives';
import { splitDigits, type Split } from './split';

export interface LabelledSet {
  /** [count * 784], each digit through the app's preprocessing. */
  readonly inputs: Float32Array;
  readonly labels: number[];
  readonly indices: number[];
}

/** The clean digits of one part of the fixed split, normalized as the app normalizes. */
export function preprocessedPart(digits: readonly Digit[], indices: readonly number[]): LabelledSet {
  const inputs = new Float32Array(indices.length * PIXELS);
  const labels: number[] = [];
  indices.forEach((index, row) => {
    const digit = digits[index];
    if (!digit) throw new Error(`no digit at index ${index}`);
    inputs.set(preprocessMnistCom(createInkRaster(28, 28, digit.pixels)), row * PIXELS);
    labels.push(digit.label);
  });
  return { inputs, labels, indices: [...indices] };
}

/** A labelled set as model input samples ([N, 1, 28, 28]). */
export function asSamples(set: LabelledSet): Samples {
  return { shape: [set.labels.length, 1, 28, 28], data: set.inputs, labels: set.labels };
}

let cached: { digits: Digit[]; split: Split } | undefined;

/** The held-out or validation part, rebuilt from the package and the recorded recipe. */
export function loadPart(part: keyof Split): LabelledSet {
  cached ??= (() => {
    const digits = loadMnistDigits();
    return { digits, split: splitDigits(digits) };
  })();
  return preprocessedPart(cached.digits, cached.split[part]);
}

/** Negatives as a labelled set: every row labelled with the reject index, with its kind. */
export interface NegativeLabelledSet extends LabelledSet {
  readonly kinds: readonly string[];
}

const negativeSets = new Map<string, NegativeSet>();

/** A part's negatives (validation: the training kinds; held out: kinds never trained on), labelled `rejectIndex`. */
export function loadNegatives(part: 'validation' | 'heldout', rejectIndex: number): NegativeLabelledSet {
  const set = negativeSets.get(part) ?? buildNegativeSet(part);
  negativeSets.set(part, set);
  return { inputs: set.inputs, kinds: set.kinds, labels: set.kinds.map(() => rejectIndex), indices: set.kinds.map((_, row) => row) };
}
