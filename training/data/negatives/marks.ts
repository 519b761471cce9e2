/**
 * Marks that are not symbols: scribbles, dots, short dashes and filled blobs,
 * each drawn on the pad as a person would draw them in the app.
 */
import { uniform } from '../random';
import { gaussian, placeOnPad, sampleHand, wobble } from './hand';
import { boundsOf, createPad, drawStrokes, fillPolygon, inkPolyline, PAD, type Point } from './pen';

/** Total turning along a path, in radians: a scribble turns a lot, a digit's stroke does not. */
export function turning(path: readonly Point[]): number {
  let total = 0;
  for (let i = 2; i < path.length; i++) {
    const [ax, ay] = path[i - 2] as Point;
    const [bx, by] = path[i - 1] as Point;
    const [cx, cy] = path[i] as Point;
    let delta = Math.atan2(cy - by, cx - bx) - Math.atan2(by - ay, bx - ax);
    while (delta > Math.PI) delta -= 2 * Math.PI;
    while (delta < -Math.PI) delta += 2 * Math.PI;
    total += Math.abs(delta);
  }
  return total;
}

/** A pen wandering with momentum inside a 100-unit box, turning back at its edges. */
function wander(random: () => number): Point[] {
  let x = uniform(random, 20, 80);
  let y = uniform(random, 20, 80);
  let heading = uniform(random, 0, 2 * Math.PI);
  const turn = uniform(random, 0.5, 1.2);
  const step = uniform(random, 10, 22);
  const count = 10 + Math.floor(random() * 18);
  const path: Point[] = [[x, y]];
  for (let i = 0; i < count; i++) {
    heading += Math.max(-1.6, Math.min(1.6, gaussian(random) * turn));
    if (x < 0 || x > 100 || y < 0 || y > 100) heading = Math.atan2(50 - y, 50 - x) + gaussian(random) * 0.6;
    x += Math.cos(heading) * step;
    y += Math.sin(heading) * step;
    path.push([x, y]);
  }
  return path;
}

/** Running loops, as in scribbling a cloud or a cursive "llll". */
function loops(random: () => number): Point[] {
  const count = uniform(random, 2.5, 5);
  const radius = uniform(random, 12, 30);
  const squash = uniform(random, 0.6, 1.3);
  const advance = uniform(random, 0.8, 1.6) * radius;
  const direction = random() < 0.5 ? 1 : -1;
  const steps = Math.round(count * 14);
  return Array.from({ length: steps + 1 }, (_, i): Point => {
    const t = (i / 14) * 2 * Math.PI;
    return [(advance * t) / (2 * Math.PI) + radius * Math.cos(t), direction * radius * squash * Math.sin(t)];
  });
}

/**
 * How often the paths cross themselves and each other, counting only
 * crossings at 30 degrees or more that close a loop longer than `loop`
 * (a kink the pen covers, or a line gone over again, does not count).
 */
export function crossings(paths: readonly (readonly Point[])[], loop: number): number {
  const segments: { a: Point; b: Point; stroke: number; at: number }[] = [];
  paths.forEach((path, stroke) => {
    let at = 0;
    for (let i = 1; i < path.length; i++) {
      const a = path[i - 1] as Point;
      const b = path[i] as Point;
      segments.push({ a, b, stroke, at });
      at += Math.hypot(b[0] - a[0], b[1] - a[1]);
    }
  });
  const side = (a: Point, b: Point, c: Point) => Math.sign((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]));
  let count = 0;
  for (let i = 0; i < segments.length; i++) {
    for (let j = i + 1; j < segments.length; j++) {
      const s = segments[i] as (typeof segments)[number];
      const t = segments[j] as (typeof segments)[number];
      if (s.stroke === t.stroke && t.at - s.at < loop) continue;
      if (side(s.a, s.b, t.a) * side(s.a, s.b, t.b) >= 0 || side(t.a, t.b, s.a) * side(t.a, t.b, s.b) >= 0) continue;
      // A shallow crossing is the pen going back over its own line, not a loop.
      const ux = s.b[0] - s.a[0];
      const uy = s.b[1] - s.a[1];
      const vx = t.b[0] - t.a[0];
      const vy = t.b[1] - t.a[1];
      if (Math.abs(ux * vy - uy * vx) >= 0.5 * Math.hypot(ux, uy) * Math.hypot(vx, vy)) count++;
    }
  }
  return count;
}

function pathLength(path: readonly Point[]): number {
  let length = 0;
  for (let i = 1; i < path.length; i++)
    length += Math.hypot((path[i] as Point)[0] - (path[i - 1] as Point)[0], (path[i] as Point)[1] - (path[i - 1] as Point)[1]);
  return length;
}

/**
 * One to three tangled strokes. Kept only if they turn a lot and cross
 * themselves at least three times (a gently curving stroke may well be a digit,
 * an 8 crosses once, a 4 once), leave paper between them (a dense tangle is a
 * blob, a kind of its own), and are not long and thin (a 1).
 */
export function scribblePaths(random: () => number): Point[][] {
  let paths: Point[][] = [];
  for (let attempt = 0; attempt < 200; attempt++) {
    const strokes = random() < 0.7 ? 1 : 2 + Math.floor(random() * 2);
    paths = Array.from({ length: strokes }, () => (random() < 0.7 ? wander(random) : loops(random)));
    const box = boundsOf(paths);
    const longer = Math.max(box.maxX - box.minX, box.maxY - box.minY);
    const shorter = Math.min(box.maxX - box.minX, box.maxY - box.minY);
    const density = paths.reduce((sum, path) => sum + pathLength(path), 0) / longer;
    const tangled = paths.reduce((sum, path) => sum + turning(path), 0) >= 3 * Math.PI && crossings(paths, 0.5 * longer) >= 3;
    if (tangled && density >= 2 && density <= 4.5 && shorter >= 0.4 * longer) break;
  }
  return paths;
}

export function drawScribble(random: () => number): Float32Array {
  const paths = scribblePaths(random);
  const hand = sampleHand(random, [140, 260]);
  const placed = placeOnPad(wobble(paths, random, 0.5), hand, random, [0.7, 1.5]);
  const ink = createPad();
  drawStrokes(ink, placed, hand.penWidth, hand.spacing, random);
  return ink;
}

/** A region of the pad, `size` px across, at a random place. */
function region(random: () => number, size: number, margin: number): { x: number; y: number } {
  return { x: uniform(random, margin, PAD - margin - size), y: uniform(random, margin, PAD - margin - size) };
}

/** One to six taps: each a dot as wide as the pen, the finger perhaps moving a pixel or two. */
export function drawDots(random: () => number): Float32Array {
  const hand = sampleHand(random);
  const count = 1 + Math.floor(random() * 6);
  const size = uniform(random, 30, 200);
  const at = region(random, size, hand.penWidth);
  const ink = createPad();
  for (let i = 0; i < count; i++) {
    const x = at.x + random() * size;
    const y = at.y + random() * size;
    inkPolyline(
      ink,
      [
        [x, y],
        [x + uniform(random, -2, 2), y + uniform(random, -2, 2)],
      ],
      hand.penWidth * uniform(random, 0.9, 1.3),
    );
  }
  return ink;
}

/** One to four short dashes, near horizontal: upright, a dash is a 1. */
export function drawDashes(random: () => number): Float32Array {
  const hand = sampleHand(random);
  const count = 1 + Math.floor(random() * 4);
  const size = uniform(random, 60, 220);
  const at = region(random, size, hand.penWidth);
  const ink = createPad();
  const paths: Point[][] = [];
  const inRow = random() < 0.5;
  for (let i = 0; i < count; i++) {
    const length = uniform(random, 15, 70);
    const angle = (uniform(random, -25, 25) * Math.PI) / 180;
    const x = inRow ? at.x + (i / count) * size : at.x + random() * (size - length);
    const y = inRow ? at.y + size / 2 + uniform(random, -8, 8) : at.y + random() * size;
    paths.push([
      [x, y],
      [x + length * Math.cos(angle), y + length * Math.sin(angle)],
    ]);
  }
  drawStrokes(ink, paths, hand.penWidth, hand.spacing, random);
  return ink;
}

/**
 * A filled blob: an irregular round outline, coloured in solid or with dense
 * back-and-forth strokes. Never much taller than wide: a tall blob is a thick 1.
 */
export function drawBlob(random: () => number): Float32Array {
  const hand = sampleHand(random);
  const radius = uniform(random, 25, 95);
  const stretch = uniform(random, 0.8, 1.5);
  const harmonics = [2, 3, 4, 5].map((k) => ({ k, amount: uniform(random, 0, 0.3 / k), phase: uniform(random, 0, 2 * Math.PI) }));
  const cx = uniform(random, radius * stretch + hand.penWidth, PAD - radius * stretch - hand.penWidth);
  const cy = uniform(random, radius + hand.penWidth, PAD - radius - hand.penWidth);
  const outline = Array.from({ length: 48 }, (_, i): Point => {
    const angle = (i / 48) * 2 * Math.PI;
    const r = radius * (1 + harmonics.reduce((sum, h) => sum + h.amount * Math.cos(h.k * angle + h.phase), 0));
    return [cx + r * stretch * Math.cos(angle), cy + r * Math.sin(angle)];
  });
  const ink = createPad();
  if (random() < 0.6) {
    fillPolygon(ink, outline);
    drawStrokes(ink, [[...outline, outline[0] as Point]], hand.penWidth, hand.spacing, random);
    return ink;
  }
  // Coloured in: a zigzag from one side of the outline to the other, row by row.
  const spacing = hand.penWidth * uniform(random, 0.45, 1.2);
  const zigzag: Point[] = [];
  for (let y = cy - radius * 0.9, row = 0; y <= cy + radius * 0.9; y += spacing, row++) {
    const half = radius * stretch * Math.sqrt(Math.max(0, 1 - ((y - cy) / radius) ** 2)) * 0.95;
    const from: Point = [cx - half, y + uniform(random, -2, 2)];
    const to: Point = [cx + half, y + uniform(random, -2, 2)];
    zigzag.push(...(row % 2 === 0 ? [from, to] : [to, from]));
  }
  drawStrokes(ink, [zigzag], hand.penWidth, hand.spacing, random);
  if (random() < 0.5) drawStrokes(ink, [[...outline, outline[0] as Point]], hand.penWidth, hand.spacing, random);
  return ink;
}
