/**
 * Negatives made of real digits: MNIST digits put on the pad side by side, or
 * one crossed out. Only digits of the training part of the fixed split are
 * used, so no validation or held-out digit ever appears inside a negative.
 */
import { loadMnistDigits, type Digit } from '../mnist-source';
import { uniform } from '../random';
import { splitDigits } from '../split';
import { gaussian, sampleHand } from './hand';
import { createPad, drawStrokes, linearMap, PAD, type Affine, type Box, type Point } from './pen';
import { sampleBilinear } from '../bilinear';

let pool: Digit[] | undefined;

/** The digits negatives are made of: the training part of the fixed split. */
export function digitPool(): readonly Digit[] {
  pool ??= (() => {
    const digits = loadMnistDigits();
    return splitDigits(digits).train.map((index) => digits[index] as Digit);
  })();
  return pool;
}

function pick(random: () => number): Digit {
  const digits = digitPool();
  return digits[Math.floor(random() * digits.length)] as Digit;
}

/** The box of a 28x28 digit's ink, in its own pixels. */
function inkBox(pixels: Float32Array): Box {
  let minX = 28;
  let minY = 28;
  let maxX = 0;
  let maxY = 0;
  pixels.forEach((v, i) => {
    if (v <= 0.1) return;
    const x = i % 28;
    const y = Math.floor(i / 28);
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x + 1);
    maxY = Math.max(maxY, y + 1);
  });
  return { minX, minY, maxX, maxY };
}

/** A digit placed by a linear map about its ink box's centre, then moved to (x, y). */
interface Placed {
  readonly pixels: Float32Array;
  readonly centre: Point;
  readonly map: Affine;
  readonly x: number;
  readonly y: number;
}

/** Where a placed digit's ink box lands, as an axis-aligned box. */
function placedBox(digit: Placed): Box {
  const box = inkBox(digit.pixels);
  const corners: Point[] = [
    [box.minX, box.minY],
    [box.maxX, box.minY],
    [box.minX, box.maxY],
    [box.maxX, box.maxY],
  ];
  const xs = corners.map(([x, y]) => digit.map.a * (x - digit.centre[0]) + digit.map.b * (y - digit.centre[1]) + digit.x);
  const ys = corners.map(([x, y]) => digit.map.c * (x - digit.centre[0]) + digit.map.d * (y - digit.centre[1]) + digit.y);
  return { minX: Math.min(...xs), minY: Math.min(...ys), maxX: Math.max(...xs), maxY: Math.max(...ys) };
}

/**
 * Chamfer distance (weights 1 and 1.4) of every pixel to the nearest pixel
 * whose ink is `to`; outside the region counts as no ink.
 */
function chamferDistance(ink: Uint8Array, width: number, height: number, to: 0 | 1): Float32Array {
  // A one-pixel border keeps the passes free of bounds checks.
  const w = width + 2;
  const far = width + height;
  const d = new Float32Array(w * (height + 2)).fill(to === 0 ? 0 : far);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) d[(y + 1) * w + x + 1] = ink[y * width + x] === to ? 0 : far;
  for (let y = 1; y <= height; y++) {
    for (let i = y * w + 1, end = i + width; i < end; i++) {
      d[i] = Math.min(d[i] as number, (d[i - 1] as number) + 1, (d[i - w] as number) + 1, (d[i - w - 1] as number) + 1.4, (d[i - w + 1] as number) + 1.4);
    }
  }
  for (let y = height; y >= 1; y--) {
    for (let i = y * w + width, end = y * w; i > end; i--) {
      d[i] = Math.min(d[i] as number, (d[i + 1] as number) + 1, (d[i + w] as number) + 1, (d[i + w + 1] as number) + 1.4, (d[i + w - 1] as number) + 1.4);
    }
  }
  const out = new Float32Array(ink.length);
  for (let y = 0; y < height; y++) out.set(d.subarray((y + 1) * w + 1, (y + 1) * w + 1 + width), y * width);
  return out;
}

/** Grows (positive) or shrinks (negative) binary ink by `by` pixels all round, as a rounder or finer pen would. */
function reshape(ink: Uint8Array, width: number, height: number, by: number): Uint8Array {
  if (by === 0) return ink;
  const distance = chamferDistance(ink, width, height, by > 0 ? 1 : 0);
  const out = new Uint8Array(ink.length);
  for (let i = 0; i < out.length; i++) out[i] = by > 0 ? Number((distance[i] as number) <= by) : Number((distance[i] as number) > -by);
  return out;
}

/** Mean stroke width of binary ink: twice its area over its outline's length. */
function strokeWidth(ink: Uint8Array, width: number, height: number): number {
  let area = 0;
  let outline = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!ink[y * width + x]) continue;
      area++;
      if (x === 0 || !ink[y * width + x - 1]) outline++;
      if (x === width - 1 || !ink[y * width + x + 1]) outline++;
      if (y === 0 || !ink[(y - 1) * width + x]) outline++;
      if (y === height - 1 || !ink[(y + 1) * width + x]) outline++;
    }
  }
  return outline ? (2 * area) / outline : 0;
}

/**
 * Paints a placed digit as the pen would have drawn it: its shape sampled
 * from the MNIST image (ink where at least half dark), then its strokes
 * thickened or thinned to `penWidth`, whatever size the digit is drawn at.
 */
function paintDigit(ink: Float32Array, digit: Placed, penWidth: number): void {
  const { a, b, c, d } = digit.map;
  const det = a * d - b * c;
  const box = placedBox(digit);
  const margin = Math.ceil(penWidth / 2) + 2;
  const x0 = Math.floor(box.minX) - margin;
  const y0 = Math.floor(box.minY) - margin;
  const width = Math.ceil(box.maxX) + margin - x0;
  const height = Math.ceil(box.maxY) + margin - y0;
  let local: Uint8Array = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = x0 + x + 0.5 - digit.x;
      const v = y0 + y + 0.5 - digit.y;
      const sx = (d * u - b * v) / det + digit.centre[0] - 0.5;
      const sy = (-c * u + a * v) / det + digit.centre[1] - 0.5;
      if (sampleBilinear(digit.pixels, 28, sx, sy) >= 0.5) local[y * width + x] = 1;
    }
  }
  // Half the difference on either side of each stroke; thinning stops short of breaking strokes.
  const drawn = strokeWidth(local, width, height);
  const by = (penWidth - drawn) / 2;
  local = reshape(local, width, height, by > 0 ? by : -Math.min(-by, (drawn - 3) / 2));
  for (let y = 0; y < height; y++) {
    const py = y0 + y;
    if (py < 0 || py >= PAD) continue;
    for (let x = 0; x < width; x++) {
      const px = x0 + x;
      if (px >= 0 && px < PAD && local[y * width + x]) ink[py * PAD + px] = 1;
    }
  }
}

/** A digit `height` px tall at (x, y), leaning and stretched a little. */
function place(pixels: Float32Array, height: number, x: number, y: number, random: () => number): Placed {
  const box = inkBox(pixels);
  const scale = height / Math.max(1, box.maxY - box.minY);
  const map = linearMap(uniform(random, -12, 12), uniform(random, -0.15, 0.15), uniform(random, 0.85, 1.2), scale);
  return { pixels, centre: [(box.minX + box.maxX) / 2, (box.minY + box.maxY) / 2], map, x, y };
}

/** Two or more digits in a row, each with its own size and lean, as someone writing a number. */
export function drawDigitRow(count: number, random: () => number): Float32Array {
  const hand = sampleHand(random);
  const placed: Placed[] = [];
  let cursor = 0;
  for (let i = 0; i < count; i++) {
    const digit = place(pick(random).pixels, 100 * uniform(random, 0.85, 1.15), 0, gaussian(random) * 6, random);
    const box = placedBox(digit);
    placed.push({ ...digit, x: cursor - box.minX });
    cursor += box.maxX - box.minX + uniform(random, 4, 35);
  }
  // Scale the row to the width the hand writes it at (within the pad), then move it to a random place.
  const boxes = placed.map(placedBox);
  const minX = Math.min(...boxes.map((b) => b.minX));
  const maxX = Math.max(...boxes.map((b) => b.maxX));
  const minY = Math.min(...boxes.map((b) => b.minY));
  const maxY = Math.max(...boxes.map((b) => b.maxY));
  const room = PAD - hand.penWidth - 8;
  const fit = Math.min(uniform(random, 170, 260) / (maxX - minX), room / (maxX - minX), room / (maxY - minY));
  const left = uniform(random, 4 + hand.penWidth / 2, Math.max(4 + hand.penWidth / 2, PAD - 4 - hand.penWidth / 2 - (maxX - minX) * fit));
  const top = uniform(random, 4 + hand.penWidth / 2, Math.max(4 + hand.penWidth / 2, PAD - 4 - hand.penWidth / 2 - (maxY - minY) * fit));
  const ink = createPad();
  for (const digit of placed) {
    const m = digit.map;
    const scaled = { ...m, a: m.a * fit, b: m.b * fit, c: m.c * fit, d: m.d * fit };
    paintDigit(ink, { ...digit, map: scaled, x: left + (digit.x - minX) * fit, y: top + (digit.y - minY) * fit }, hand.penWidth);
  }
  return ink;
}

/** The ways of crossing out a digit. */
export type CrossOut = 'cross' | 'scribble' | 'hatch';

/** One digit, large on the pad, crossed out with an X, scribbled over, or hatched with parallel lines. */
export function drawCrossedOut(how: CrossOut, random: () => number): Float32Array {
  const hand = sampleHand(random);
  const height = uniform(random, 150, 240);
  const digit = place(pick(random).pixels, height, PAD / 2 + uniform(random, -20, 20), PAD / 2 + uniform(random, -15, 15), random);
  const ink = createPad();
  paintDigit(ink, digit, hand.penWidth);
  // The marks cover the digit's box, widened for a narrow digit such as a 1.
  const ink0 = placedBox(digit);
  const h = ink0.maxY - ink0.minY;
  const w = Math.max(ink0.maxX - ink0.minX, 0.6 * h);
  const box = { minX: (ink0.minX + ink0.maxX - w) / 2, minY: ink0.minY };
  const over = (t: number, s: number): Point => [box.minX + t * w + gaussian(random) * 0.04 * w, box.minY + s * h + gaussian(random) * 0.04 * h];
  const reach = uniform(random, -0.1, 0.15);
  let paths: Point[][];
  if (how === 'cross') {
    paths = [
      [over(-reach, -reach), over(1 + reach, 1 + reach)],
      [over(1 + reach, -reach), over(-reach, 1 + reach)],
    ];
  } else if (how === 'scribble') {
    // Fast strokes back and forth, unevenly spaced, each overshooting by its own amount.
    const passes = 6 + Math.floor(random() * 6);
    const across = random() < 0.65;
    paths = [
      Array.from({ length: passes + 1 }, (_, i): Point => {
        const side = i % 2 === 0 ? -reach + uniform(random, -0.1, 0.1) : 1 + reach + uniform(random, -0.1, 0.1);
        const along = i / passes + uniform(random, -0.4, 0.4) / passes;
        return across ? over(side, along) : over(along, side);
      }),
    ];
  } else {
    // Parallel lines across the digit's box, near horizontal or diagonal, each cut to the box.
    const lines = 3 + Math.floor(random() * 4);
    const slope = random() < 0.3 ? (random() < 0.5 ? 1 : -1) * uniform(random, 0.02, 0.15) : (random() < 0.5 ? 1 : -1) * uniform(random, 0.7, 1.3);
    const span = Math.abs(slope) / 2;
    paths = [];
    for (let i = 0; i < lines; i++) {
      const s0 = -span / 2 + ((1 + span) * (i + 0.5)) / lines;
      const ta = 0.5 + (-reach - s0) / slope;
      const tb = 0.5 + (1 + reach - s0) / slope;
      const from = Math.max(-reach, Math.min(ta, tb));
      const to = Math.min(1 + reach, Math.max(ta, tb));
      if (to - from > 0.15) paths.push([over(from, s0 + slope * (from - 0.5)), over(to, s0 + slope * (to - 0.5))]);
    }
  }
  const edge = hand.penWidth / 2 + 1;
  const clamp = (p: Point): Point => [Math.min(PAD - edge, Math.max(edge, p[0])), Math.min(PAD - edge, Math.max(edge, p[1]))];
  drawStrokes(
    ink,
    paths.map((path) => path.map(clamp)),
    hand.penWidth,
    hand.spacing,
    random,
  );
  return ink;
}
