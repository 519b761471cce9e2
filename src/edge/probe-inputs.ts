/** Inputs for comparing backends, made by the model's own preprocessing. */
import type { ModelEntry } from '../core/manifest';
import { createInkRaster, getPreprocessor } from '../core/preprocess';

type Segment = readonly [number, number, number, number];

/** Simple drawings (a ring, a bar, a cross, an angle) on a 96 px square, as line segments. */
const SHAPES: readonly (readonly Segment[])[] = [
  Array.from({ length: 16 }, (_, i): Segment => {
    const a = (i / 16) * 2 * Math.PI;
    const b = ((i + 1) / 16) * 2 * Math.PI;
    return [48 + 22 * Math.cos(a), 48 + 32 * Math.sin(a), 48 + 22 * Math.cos(b), 48 + 32 * Math.sin(b)];
  }),
  [[50, 12, 46, 84]],
  [
    [20, 20, 76, 76],
    [76, 20, 20, 76],
  ],
  [
    [20, 18, 76, 18],
    [76, 18, 40, 84],
  ],
];

function draw(segments: readonly Segment[], size = 96, radius = 5): Float32Array {
  const ink = new Float32Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      for (const [x0, y0, x1, y1] of segments) {
        const dx = x1 - x0;
        const dy = y1 - y0;
        const t = Math.max(0, Math.min(1, ((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy)));
        if (Math.hypot(x - x0 - t * dx, y - y0 - t * dy) <= radius) ink[y * size + x] = 1;
      }
    }
  }
  return ink;
}

export function probeInputs(model: ModelEntry): Float32Array[] {
  const preprocess = getPreprocessor(model.preprocessing.id);
  return SHAPES.map((shape) => preprocess(createInkRaster(96, 96, draw(shape))));
}
