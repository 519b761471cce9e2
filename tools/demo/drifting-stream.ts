/**
 * The digits demo:loop streams: distinct digits of the split's training part
 * through the app's preprocessing, clean, or drawn as users on phones draw
 * them (the evaluation issue's drift scenario: strokes twice as thick, turned
 * 20 to 40 degrees either way, leaning), from a fixed seed.
 */
import { thicken, rotateAndSlant } from '../../test/evaluation/transforms';
import { preprocessedPart } from '../../training/data/datasets';
import { loadMnistDigits, PIXELS } from '../../training/data/mnist-source';
import { seededRandom, shuffleInPlace, uniform } from '../../training/data/random';
import { splitDigits } from '../../training/data/split';

const SIZE = 28;

export interface StreamDigit {
  readonly key: string;
  readonly pixels: Float32Array;
  readonly label: string;
}

export class DigitSource {
  private next = 0;
  private readonly inputs: Float32Array;
  private readonly labels: number[];
  private readonly random: () => number;

  constructor(seed: number) {
    const digits = loadMnistDigits();
    const { train } = splitDigits(digits);
    const random = seededRandom(seed);
    // A fixed shuffle of the training part, so the stream is not ordered by label.
    const order = shuffleInPlace([...train], random);
    const part = preprocessedPart(digits, order);
    this.inputs = part.inputs;
    this.labels = part.labels;
    this.random = random;
  }

  /** Digits left: each is streamed once. */
  get left(): number {
    return this.labels.length - this.next;
  }

  take(count: number, prefix: string, drifted: boolean): StreamDigit[] {
    if (count > this.left) throw new Error(`the stream ran out of digits (${this.left} left, ${count} asked)`);
    return Array.from({ length: count }, () => {
      const i = this.next++;
      let pixels: Float32Array = this.inputs.slice(i * PIXELS, (i + 1) * PIXELS);
      if (drifted) {
        const sign = this.random() < 0.5 ? -1 : 1;
        pixels = rotateAndSlant(thicken(thicken(pixels, SIZE), SIZE), SIZE, sign * uniform(this.random, 20, 40), uniform(this.random, 0.4, 0.7));
      }
      return { key: `${prefix}-${i}`, pixels, label: String(this.labels[i]) };
    });
  }
}
