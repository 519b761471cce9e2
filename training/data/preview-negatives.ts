/**
 * A contact sheet of negatives: one row per kind, each sample as the model
 * sees it (28x28, ink dark on white), or with --pad as drawn on the 280 px pad.
 * Each row starts with its number (the legend is printed) and a mark: green
 * for a training kind, red for a held-out one.
 * Usage: npx tsx training/data/preview-negatives.ts <out.png> [--count 12] [--seed 1] [--pad] [--kinds id,id]
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { PNG } from 'pngjs';
import { drawNegative, generateNegatives, NEGATIVE_KINDS } from './negatives';
import { PAD } from './negatives/pen';

const DIGIT_FONT = [
  '111101101101111',
  '010110010010111',
  '111001111100111',
  '111001111001111',
  '101101111001001',
  '111100111001111',
  '111100111101111',
  '111001010010010',
  '111101111101111',
  '111101111001111',
];

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    count: { type: 'string', default: '12' },
    seed: { type: 'string', default: '1' },
    pad: { type: 'boolean', default: false },
    kinds: { type: 'string' },
  },
});
const out = positionals[0];
if (!out) throw new Error('usage: preview-negatives.ts <out.png> [--count 12] [--seed 1] [--pad] [--kinds id,id]');
const count = Number(values.count);
const seed = Number(values.seed);
const wanted = values.kinds?.split(',');
const kinds = NEGATIVE_KINDS.filter((kind) => !wanted || wanted.includes(kind.id));

// A cell shows a 28x28 input at 3x, or the pad shrunk 4x (70 px).
const cellSize = values.pad ? PAD / 4 : 28 * 3;
const gap = 4;
const label = 40;
const width = label + count * (cellSize + gap);
const height = kinds.length * (cellSize + gap) + gap;
const png = new PNG({ width, height });
png.data.fill(255);

function put(x: number, y: number, rgb: readonly [number, number, number]): void {
  const at = (y * width + x) * 4;
  png.data[at] = rgb[0];
  png.data[at + 1] = rgb[1];
  png.data[at + 2] = rgb[2];
}

function shade(x: number, y: number, ink: number): void {
  const level = Math.round(255 * (1 - Math.min(1, Math.max(0, ink))));
  put(x, y, [level, level, level]);
}

function number(value: number, x0: number, y0: number): void {
  [...String(value)].forEach((char, position) => {
    const glyph = DIGIT_FONT[Number(char)] ?? '';
    for (let i = 0; i < 15; i++) {
      if (glyph[i] !== '1') continue;
      for (let dy = 0; dy < 3; dy++) for (let dx = 0; dx < 3; dx++) put(x0 + position * 12 + (i % 3) * 3 + dx, y0 + Math.floor(i / 3) * 3 + dy, [0, 0, 0]);
    }
  });
}

kinds.forEach((kind, row) => {
  const top = gap + row * (cellSize + gap);
  console.log(`${String(row).padStart(2)}  ${kind.id.padEnd(16)} ${kind.split === 'heldout' ? 'held out' : 'training'}  ${(kind.share * 100).toFixed(2)}%`);
  number(row, 4, top + 4);
  for (let y = top + 24; y < top + 30; y++) for (let x = 4; x < 28; x++) put(x, y, kind.split === 'heldout' ? [220, 40, 40] : [40, 160, 60]);
  const samples = values.pad ? Array.from({ length: count }, (_, i) => drawNegative(kind.id, seed, i)) : generateNegatives(kind.id, count, seed);
  samples.forEach((sample, column) => {
    const left = label + column * (cellSize + gap);
    for (let y = 0; y < cellSize; y++) {
      for (let x = 0; x < cellSize; x++) {
        if (!values.pad) {
          shade(left + x, top + y, sample[Math.floor(y / 3) * 28 + Math.floor(x / 3)] ?? 0);
          continue;
        }
        let sum = 0;
        for (let dy = 0; dy < 4; dy++) for (let dx = 0; dx < 4; dx++) sum += sample[(y * 4 + dy) * PAD + x * 4 + dx] ?? 0;
        shade(left + x, top + y, sum / 16);
      }
    }
    // A faint frame, so empty space around a drawing shows.
    for (let i = 0; i < cellSize; i++) {
      for (const [x, y] of [
        [left + i, top],
        [left + i, top + cellSize - 1],
        [left, top + i],
        [left + cellSize - 1, top + i],
      ] as const) {
        if (png.data[(y * width + x) * 4] === 255) put(x, y, [225, 225, 235]);
      }
    }
  });
});

await writeFile(out, PNG.sync.write(png));
console.log(`wrote ${out}: ${kinds.length} kinds x ${count} samples`);
