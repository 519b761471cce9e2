/**
 * Drawing on the pad as a person does in the app: a stroke is a run of
 * pointer events, painted as quadratic curves through the midpoints of
 * successive events (as src/app/DrawPad/strokes.ts paints them), with a round
 * pen and binary ink (as test/fixtures/digit-strokes.ts rasterizes the drawn
 * digits). The result is the 280x280 ink raster the app's preprocessing reads.
 */
import { uniform } from '../random';

/** The pad's size in pixels, as the app and the drawn-digit fixtures use it. */
export const PAD = 280;

export type Point = readonly [number, number];
export type Polyline = readonly Point[];

export function createPad(): Float32Array {
  return new Float32Array(PAD * PAD);
}

/** A round pen of `width` px along a polyline, segment by segment: every pixel within width / 2 of a segment gets full ink. */
export function inkPolyline(ink: Float32Array, points: Polyline, width: number, size = PAD): void {
  const radius = width / 2;
  const near = radius * radius * (1 - 1e-9);
  const far = radius * radius * (1 + 1e-9);
  if (points.length === 1) points = [points[0] as Point, points[0] as Point];
  for (let s = 0; s < points.length - 1; s++) {
    const [x0, y0] = points[s] as Point;
    const [x1, y1] = points[s + 1] as Point;
    const dx = x1 - x0;
    const dy = y1 - y0;
    const length2 = dx * dx + dy * dy || 1;
    for (let y = Math.max(0, Math.floor(Math.min(y0, y1) - radius)); y <= Math.min(size - 1, Math.ceil(Math.max(y0, y1) + radius)); y++) {
      for (let x = Math.max(0, Math.floor(Math.min(x0, x1) - radius)); x <= Math.min(size - 1, Math.ceil(Math.max(x0, x1) + radius)); x++) {
        const t = Math.max(0, Math.min(1, ((x - x0) * dx + (y - y0) * dy) / length2));
        const ex = x - (x0 + t * dx);
        const ey = y - (y0 + t * dy);
        // Math.hypot as the fixtures measure, but only where the cheap square is too close to call.
        const d2 = ex * ex + ey * ey;
        if (d2 < near || (d2 <= far && Math.hypot(ex, ey) <= radius)) ink[y * size + x] = 1;
      }
    }
  }
}

/**
 * The pointer events a hand moving along `path` sends: one every `spacing` px
 * of travel, a little irregular, always with the first and last point. Sparse
 * events (a fast mouse) round the corners off once the curve is painted.
 */
export function pointerEvents(path: Polyline, spacing: number, random: () => number): Point[] {
  const first = path[0];
  if (!first) return [];
  const events: Point[] = [first];
  let next = spacing * uniform(random, 0.6, 1.4);
  let travelled = 0;
  for (let i = 1; i < path.length; i++) {
    const [x0, y0] = path[i - 1] as Point;
    const [x1, y1] = path[i] as Point;
    const length = Math.hypot(x1 - x0, y1 - y0);
    while (length > 0 && next <= travelled + length) {
      const t = (next - travelled) / length;
      events.push([x0 + t * (x1 - x0), y0 + t * (y1 - y0)]);
      next += spacing * uniform(random, 0.6, 1.4);
    }
    travelled += length;
  }
  events.push(path[path.length - 1] as Point);
  return events;
}

/** The curve the app paints through pointer events: quadratic segments between midpoints, the last one reaching the final event. */
export function paintedCurve(events: Polyline): Point[] {
  const first = events[0];
  if (!first) return [];
  if (events.length === 1) return [first];
  const curve: Point[] = [first];
  const mid = (a: Point, b: Point): Point => [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
  for (let i = 1; i < events.length; i++) {
    const previous = events[i - 1] as Point;
    const point = events[i] as Point;
    const before = events[i - 2];
    const start = before ? mid(before, previous) : previous;
    const end = mid(previous, point);
    const pieces = Math.max(1, Math.ceil(Math.hypot(end[0] - start[0], end[1] - start[1]) / 4));
    for (let k = 1; k <= pieces; k++) {
      const t = k / pieces;
      const a = (1 - t) * (1 - t);
      const b = 2 * (1 - t) * t;
      const c = t * t;
      curve.push([a * start[0] + b * previous[0] + c * end[0], a * start[1] + b * previous[1] + c * end[1]]);
    }
    if (i === events.length - 1) curve.push(point);
  }
  return curve;
}

/** Draws each path as a stroke in the app: pointer events along it, the painted curve, the pen. */
export function drawStrokes(ink: Float32Array, paths: readonly Polyline[], penWidth: number, spacing: number, random: () => number): void {
  for (const path of paths) inkPolyline(ink, paintedCurve(pointerEvents(path, spacing, random)), penWidth);
}

/** Fills a closed polygon (even-odd rule, pixel centres). */
export function fillPolygon(ink: Float32Array, polygon: Polyline, size = PAD): void {
  for (let y = 0; y < size; y++) {
    const cy = y + 0.5;
    const crossings: number[] = [];
    for (let i = 0; i < polygon.length; i++) {
      const [x0, y0] = polygon[i] as Point;
      const [x1, y1] = polygon[(i + 1) % polygon.length] as Point;
      if (y0 <= cy !== y1 <= cy) crossings.push(x0 + ((cy - y0) / (y1 - y0)) * (x1 - x0));
    }
    crossings.sort((a, b) => a - b);
    for (let k = 0; k + 1 < crossings.length; k += 2) {
      const from = Math.max(0, Math.ceil((crossings[k] as number) - 0.5));
      const to = Math.min(size - 1, Math.floor((crossings[k + 1] as number) - 0.5));
      for (let x = from; x <= to; x++) ink[y * size + x] = 1;
    }
  }
}

/** x' = a x + b y + e, y' = c x + d y + f. */
export interface Affine {
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly d: number;
  readonly e: number;
  readonly f: number;
}

export function applyAffine(m: Affine, [x, y]: Point): Point {
  return [m.a * x + m.b * y + m.e, m.c * x + m.d * y + m.f];
}

/** Rotation (degrees), shear and a horizontal stretch about the origin, then a uniform scale. */
export function linearMap(rotation: number, shear: number, stretch: number, scale: number): Affine {
  const angle = (rotation * Math.PI) / 180;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  // R * [[1, shear], [0, 1]] * diag(stretch, 1) * scale
  return { a: cos * stretch * scale, b: (cos * shear - sin) * scale, c: sin * stretch * scale, d: (sin * shear + cos) * scale, e: 0, f: 0 };
}

export interface Box {
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
}

export function boundsOf(paths: readonly Polyline[]): Box {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const path of paths) {
    for (const [x, y] of path) {
      minX = Math.min(minX, x);
      minY = Math.min(minY, y);
      maxX = Math.max(maxX, x);
      maxY = Math.max(maxY, y);
    }
  }
  return { minX, minY, maxX, maxY };
}

/**
 * Moves and scales paths so their longer side is `size` px, at a random place
 * on the pad that keeps `margin` px (the pen's reach) clear of its edges.
 */
export function fitOnPad(paths: readonly Polyline[], size: number, margin: number, random: () => number): Point[][] {
  const box = boundsOf(paths);
  const longer = Math.max(box.maxX - box.minX, box.maxY - box.minY, 1e-6);
  const scale = Math.min(size, PAD - 2 * margin) / longer;
  const width = (box.maxX - box.minX) * scale;
  const height = (box.maxY - box.minY) * scale;
  const left = uniform(random, margin, Math.max(margin, PAD - margin - width));
  const top = uniform(random, margin, Math.max(margin, PAD - margin - height));
  return paths.map((path) => path.map(([x, y]): Point => [left + (x - box.minX) * scale, top + (y - box.minY) * scale]));
}
