import { describe, expect, it } from 'vitest';
import { handwritingFeatures, FEATURE_NAMES } from '../../src/core/features/handwriting';
import { loadMnistDigits, PIXELS } from '../data/mnist-source';
import { seededRandom } from '../data/random';
import { splitDigits } from '../data/split';
import { DEFAULT_STREAM, drawInStyle, FIRST, LAST, monthSlices, styleAt, type StreamOptions, type Style } from './drift';

const digits = loadMnistDigits();
const split = splitDigits(digits);
const pools = { train: split.train, test: split.heldout };
const SMALL: StreamOptions = { months: 6, trainPerMonth: 40, testPerMonth: 20, seed: 99 };

/** The mean of one handwriting feature over `count` drawings of the same held-out digits, with the same jitter, in `style`. */
function meanFeature(name: (typeof FEATURE_NAMES)[number], style: Style, count = 40): number {
  const random = seededRandom(5);
  const column = FEATURE_NAMES.indexOf(name);
  let sum = 0;
  for (let i = 0; i < count; i++) {
    const digit = digits[split.heldout[i * 17] as number];
    if (!digit) throw new Error('no digit');
    sum += handwritingFeatures(drawInStyle(digit.pixels, style, random), 28, 28)[column] as number;
  }
  return sum / count;
}

const increasing = (values: number[]) => values.every((v, i) => i === 0 || v > (values[i - 1] as number));

describe('the drifting stream', () => {
  it('is deterministic: the same options give the same drawings and labels', () => {
    const a = monthSlices(digits, pools, 3, SMALL);
    const b = monthSlices(digits, pools, 3, SMALL);
    expect(a.train.inputs).toEqual(b.train.inputs);
    expect(a.test.inputs).toEqual(b.test.inputs);
    expect(a.train.labels).toEqual(b.train.labels);
    expect(a.test.inputs.length).toBe(SMALL.testPerMonth * PIXELS);
    // Another month or another seed draws something else.
    expect(monthSlices(digits, pools, 4, SMALL).train.inputs).not.toEqual(a.train.inputs);
    expect(monthSlices(digits, pools, 3, { ...SMALL, seed: 100 }).train.inputs).not.toEqual(a.train.inputs);
  });

  it('draws training slices from the training part and test slices from the held-out part', () => {
    const { train, test } = monthSlices(digits, pools, 0, SMALL);
    for (const slice of [train, test]) {
      expect(slice.labels.every((l) => Number.isInteger(l) && l >= 0 && l < 10)).toBe(true);
      expect(Math.max(...slice.inputs)).toBeLessThanOrEqual(1);
    }
    const heldoutOnly = { train: split.heldout, test: split.heldout };
    expect(monthSlices(digits, heldoutOnly, 0, SMALL).test.inputs).toEqual(test.inputs);
    expect(monthSlices(digits, heldoutOnly, 0, SMALL).train.inputs).not.toEqual(train.inputs);
  });

  it("moves every knob of the month's style one way, from the first month to the last", () => {
    const styles = Array.from({ length: SMALL.months }, (_, m) => monthSlices(digits, pools, m, { ...SMALL, trainPerMonth: 1, testPerMonth: 1 }).train.style);
    expect(styles[0]).toEqual(FIRST);
    expect(styles.at(-1)).toEqual(LAST);
    for (const key of Object.keys(FIRST) as (keyof Style)[]) {
      const sign = Math.sign(LAST[key] - FIRST[key]);
      expect(increasing(styles.map((s) => sign * s[key]))).toBe(true);
    }
  });

  it('drifts monotonically in what the model sees: the preprocessed drawings lean further and their strokes thicken', () => {
    const { months } = DEFAULT_STREAM;
    const styles = Array.from({ length: months }, (_, m) => styleAt(m, months));
    expect(increasing(styles.map((s) => meanFeature('slant', s)))).toBe(true);
    expect(increasing(styles.map((s) => meanFeature('stroke_thickness', s)))).toBe(true);
  });
});
