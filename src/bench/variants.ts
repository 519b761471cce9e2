/** Inputs for the edge benchmark: the fixture digits, varied and painted off screen. */
import { PAD_PIXELS, paintStrokes, type Stroke } from '../app/DrawPad/strokes';

/** A small seeded generator, so every run of the benchmark draws the same variants. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export type Polyline = readonly (readonly [number, number])[];

/** A drawing on a pad of its own, painted as the app's pad paints. */
export interface PadDrawing {
  readonly context: CanvasRenderingContext2D;
  readonly strokes: readonly Stroke[];
}

/**
 * Distinct drawings of the given digits: each turned, scaled and drawn with
 * its own pen pressure, so no two share a cache entry.
 */
export function drawVariants(digits: readonly (readonly Polyline[])[], count: number, seed = 1): PadDrawing[] {
  const random = lcg(seed);
  const centre = PAD_PIXELS / 2;
  return Array.from({ length: count }, (_, i) => {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = PAD_PIXELS;
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new Error('no 2D context');
    const angle = (random() - 0.5) * 0.3;
    const scale = 0.8 + random() * 0.3;
    const pressure = random();
    const [cos, sin] = [Math.cos(angle) * scale, Math.sin(angle) * scale];
    const strokes = (digits[i % digits.length] ?? []).map((line) =>
      line.map(([x, y]) => ({ x: centre + cos * (x - centre) - sin * (y - centre), y: centre + sin * (x - centre) + cos * (y - centre), pressure })),
    );
    paintStrokes(context, strokes);
    return { context, strokes };
  });
}
