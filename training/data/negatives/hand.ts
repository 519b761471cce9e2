/**
 * The hand that draws a negative: pen width, how often the pointer reports,
 * size and slant on the pad, and the wobble of a drawing made with a mouse or
 * a finger. Templates (letters, shapes) are drawn through it.
 */
import { uniform } from '../random';
import { applyAffine, boundsOf, createPad, drawStrokes, fitOnPad, linearMap, type Point, type Polyline } from './pen';

/** Stroke templates in their own units (about 100 across); `stretch` bounds the random horizontal stretch. */
export interface Template {
  readonly paths: readonly Polyline[];
  readonly stretch?: readonly [number, number];
}

export interface Hand {
  /** Pen width in pad pixels: the app's 18 px pen at pressures from light to firm, and a little beyond. */
  readonly penWidth: number;
  /** Pixels of travel between pointer events. */
  readonly spacing: number;
  /** The drawing's longer side on the 280 px pad. */
  readonly size: number;
  /** Degrees; a drawing leans a little, never enough to turn one symbol into another. */
  readonly rotation: number;
  readonly shear: number;
}

export function sampleHand(random: () => number, size: readonly [number, number] = [90, 250]): Hand {
  return {
    penWidth: uniform(random, 12, 24),
    spacing: uniform(random, 2, 14),
    size: uniform(random, size[0], size[1]),
    rotation: uniform(random, -15, 15),
    shear: uniform(random, -0.2, 0.2),
  };
}

/** A standard normal deviate (Box-Muller). */
export function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Extra points along every segment, at most `step` apart, so a wobble bends straight lines too. */
export function densify(path: Polyline, step: number): Point[] {
  const out: Point[] = path.slice(0, 1);
  for (let i = 1; i < path.length; i++) {
    const [x0, y0] = path[i - 1] as Point;
    const [x1, y1] = path[i] as Point;
    const pieces = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) / step));
    for (let k = 1; k <= pieces; k++) out.push([x0 + ((x1 - x0) * k) / pieces, y0 + ((y1 - y0) * k) / pieces]);
  }
  return out;
}

/**
 * A hand's imprecision, relative to the drawing's size: a smooth warp (lines
 * bow, proportions drift), each stroke a little off its place (bars miss or
 * overshoot), and a tremor on every point.
 */
export function wobble(paths: readonly Polyline[], random: () => number, amount = 1): Point[][] {
  const box = boundsOf(paths);
  const extent = Math.max(box.maxX - box.minX, box.maxY - box.minY, 1);
  const waves = Array.from({ length: 4 }, () => ({
    amplitude: uniform(random, 0.01, 0.035) * extent * amount,
    fx: (uniform(random, -1, 1) * Math.PI) / extent,
    fy: (uniform(random, -1, 1) * Math.PI) / extent,
    phase: uniform(random, 0, 2 * Math.PI),
  }));
  const field = (x: number, y: number, from: number) =>
    waves.slice(from, from + 2).reduce((sum, w) => sum + w.amplitude * Math.sin(w.fx * x + w.fy * y + w.phase), 0);
  const tremor = 0.004 * extent * amount;
  return paths.map((path) => {
    const offsetX = gaussian(random) * 0.025 * extent * amount;
    const offsetY = gaussian(random) * 0.025 * extent * amount;
    return densify(path, extent / 20).map(([x, y]): Point => [
      x + field(x, y, 0) + offsetX + gaussian(random) * tremor,
      y + field(x, y, 2) + offsetY + gaussian(random) * tremor,
    ]);
  });
}

/** Slants, stretches and sizes paths as the hand does, and places them on the pad. */
export function placeOnPad(paths: readonly Polyline[], hand: Hand, random: () => number, stretch: readonly [number, number] = [0.8, 1.25]): Point[][] {
  const map = linearMap(hand.rotation, hand.shear, Math.exp(uniform(random, Math.log(stretch[0]), Math.log(stretch[1]))), 1);
  return fitOnPad(
    paths.map((path) => path.map((p) => applyAffine(map, p))),
    hand.size,
    hand.penWidth / 2 + 2,
    random,
  );
}

/** A template drawn once by a random hand: the pad's ink. */
export function drawTemplate(template: Template, random: () => number): Float32Array {
  const hand = sampleHand(random);
  const paths = placeOnPad(wobble(template.paths, random), hand, random, template.stretch);
  const ink = createPad();
  drawStrokes(ink, paths, hand.penWidth, hand.spacing, random);
  return ink;
}

/** Points along an ellipse arc, angles in degrees (0 is right, 90 is down: the pad's y axis points down). */
export function arc(cx: number, cy: number, rx: number, ry: number, from: number, to: number, steps = 16): Point[] {
  return Array.from({ length: steps + 1 }, (_, i): Point => {
    const angle = ((from + ((to - from) * i) / steps) * Math.PI) / 180;
    return [cx + rx * Math.cos(angle), cy + ry * Math.sin(angle)];
  });
}
