/**
 * A simulated stream of labelled drawings over months, in which the way people
 * draw drifts gradually: the writing leans and turns further, gets narrower,
 * and the pen gets thicker, month after month. Each month's style is a mean
 * that moves monotonically from the first month to the last; each drawing
 * jitters around its month's mean. Every drawing then goes through the app's
 * own preprocessing, which already undoes where the ink sits and how large
 * it is, so only what survives it (lean, turn, aspect, pen) is made to drift.
 * Deterministic: the same options give the same bytes.
 */
import { preprocessMnistCom } from '../../src/core/preprocess/mnist-com';
import { createInkRaster } from '../../src/core/preprocess/raster';
import type { Digit } from '../data/mnist-source';
import { PIXELS } from '../data/mnist-source';
import { seededRandom, uniform } from '../data/random';
import { sampleBilinear } from '../data/bilinear';

/** A month's mean drawing style. */
export interface Style {
  /** Horizontal shift per unit of height; positive leans right. */
  readonly slant: number;
  /** Degrees, counter-clockwise as seen (negative: clockwise, leaning right with the slant). */
  readonly rotation: number;
  /** Width over height of the drawing before preprocessing. */
  readonly aspect: number;
  /** Pen radius in pixels of the 2x canvas (0: the digit's own stroke). */
  readonly pen: number;
}

/** The first month's style (as the digits were written) and the last month's. */
export const FIRST: Style = { slant: 0, rotation: 0, aspect: 1, pen: 0.6 };
export const LAST: Style = { slant: 0.5, rotation: -16, aspect: 0.75, pen: 2.8 };

/** How far each drawing strays from its month's mean, either way. */
const JITTER: Style = { slant: 0.12, rotation: 6, aspect: 0.06, pen: 0.6 };

export interface StreamOptions {
  readonly months: number;
  /** Training drawings per month, from the training part of the split. */
  readonly trainPerMonth: number;
  /** Test drawings per month, from the held-out part. */
  readonly testPerMonth: number;
  readonly seed: number;
}

export const DEFAULT_STREAM: StreamOptions = { months: 12, trainPerMonth: 2000, testPerMonth: 1000, seed: 20270 };

export interface Slice {
  readonly month: number;
  readonly style: Style;
  /** [count * 784], through the app's preprocessing. */
  readonly inputs: Float32Array;
  readonly labels: number[];
}

export interface Stream {
  readonly options: StreamOptions;
  readonly train: Slice[];
  readonly test: Slice[];
}

/** Month `month` of `months`' mean style: a straight line from FIRST to LAST, so every knob moves one way. */
export function styleAt(month: number, months: number): Style {
  const t = months > 1 ? month / (months - 1) : 0;
  const at = (key: keyof Style) => FIRST[key] + (LAST[key] - FIRST[key]) * t;
  return { slant: at('slant'), rotation: at('rotation'), aspect: at('aspect'), pen: at('pen') };
}

const SCALE = 2;
const CANVAS = 28 * SCALE;

/** Inverse-mapped bilinear warp of a 28x28 digit onto the 2x canvas: aspect, then rotation, then slant, about the centre. */
function warp(pixels: Float32Array, slant: number, degrees: number, aspect: number): Float32Array {
  const out = new Float32Array(CANVAS * CANVAS);
  const angle = (degrees * Math.PI) / 180;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const sx = SCALE * Math.sqrt(aspect);
  const sy = SCALE / Math.sqrt(aspect);
  const c = CANVAS / 2;
  for (let y = 0; y < CANVAS; y++) {
    for (let x = 0; x < CANVAS; x++) {
      // Undo the slant (y grows downwards: a right lean shifts the top rightwards), the rotation, the scale.
      const u = x + 0.5 - c + slant * (y + 0.5 - c);
      const v = y + 0.5 - c;
      const ru = cos * u - sin * v;
      const rv = sin * u + cos * v;
      out[y * CANVAS + x] = sampleBilinear(pixels, 28, ru / sx + 14 - 0.5, rv / sy + 14 - 0.5);
    }
  }
  return out;
}

/** A round pen of radius `radius` (fractional: the outer ring at partial ink): each pixel takes the most ink within reach. */
function pen(src: Float32Array, radius: number): Float32Array {
  if (radius <= 0) return src;
  const reach = Math.ceil(radius);
  const offsets: { dx: number; dy: number; weight: number }[] = [];
  for (let dy = -reach; dy <= reach; dy++) {
    for (let dx = -reach; dx <= reach; dx++) {
      const d = Math.hypot(dx, dy);
      if (d <= radius + 0.5) offsets.push({ dx, dy, weight: Math.min(1, radius + 0.5 - d) });
    }
  }
  // Spread each inked pixel over its reach (the same maximum as gathering, and most pixels hold no ink).
  const out = new Float32Array(src.length);
  for (let y = 0; y < CANVAS; y++) {
    for (let x = 0; x < CANVAS; x++) {
      const ink = src[y * CANVAS + x] as number;
      if (ink <= 0) continue;
      for (const { dx, dy, weight } of offsets) {
        const xx = x + dx;
        const yy = y + dy;
        if (xx < 0 || yy < 0 || xx >= CANVAS || yy >= CANVAS) continue;
        const v = ink * weight;
        if (v > (out[yy * CANVAS + xx] as number)) out[yy * CANVAS + xx] = v;
      }
    }
  }
  return out;
}

/** One drawing of `digit` in `style`, jittered by `random`, through the app's preprocessing. */
export function drawInStyle(digit: Float32Array, style: Style, random: () => number): Float32Array {
  const jitter = (key: keyof Style) => style[key] + uniform(random, -JITTER[key], JITTER[key]);
  const slant = jitter('slant');
  const rotation = jitter('rotation');
  const aspect = jitter('aspect');
  const radius = Math.max(0, jitter('pen'));
  const canvas = pen(warp(digit, slant, rotation, aspect), radius);
  return preprocessMnistCom(createInkRaster(CANVAS, CANVAS, canvas));
}

function slice(digits: readonly Digit[], pool: readonly number[], month: number, count: number, options: StreamOptions, part: number): Slice {
  // A seed per month and part: one slice can be rebuilt without the others.
  const random = seededRandom(options.seed + 1009 * month + 7 * part);
  const style = styleAt(month, options.months);
  const inputs = new Float32Array(count * PIXELS);
  const labels: number[] = [];
  for (let i = 0; i < count; i++) {
    const digit = digits[pool[Math.floor(random() * pool.length)] as number];
    if (!digit) throw new Error('no digit in the pool');
    inputs.set(drawInStyle(digit.pixels, style, random), i * PIXELS);
    labels.push(digit.label);
  }
  return { month, style, inputs, labels };
}

/** Slice `month` of the stream: training drawings from `trainPool`, test drawings from `testPool` (indices into `digits`). */
export function monthSlices(
  digits: readonly Digit[],
  pools: { readonly train: readonly number[]; readonly test: readonly number[] },
  month: number,
  options: StreamOptions,
): { train: Slice; test: Slice } {
  return {
    train: slice(digits, pools.train, month, options.trainPerMonth, options, 0),
    test: slice(digits, pools.test, month, options.testPerMonth, options, 1),
  };
}
