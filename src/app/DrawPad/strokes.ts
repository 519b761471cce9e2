/** The pad's strokes: how they are painted on the canvas and how their ink is read back for the model. */
import { inkFromRgba, type InkRaster } from '../../core/preprocess';

/** A stroke as drawn: points in pad pixels, with pen pressure where the device reports it. */
export interface StrokePoint {
  readonly x: number;
  readonly y: number;
  readonly pressure: number;
}
export type Stroke = StrokePoint[];

export const PAD_PIXELS = 280;
export const PEN_WIDTH = 18;

/** Pressure changes the width a little; mice report 0.5 and draw at the base width. */
const widthAt = (pressure: number) => PEN_WIDTH * (0.75 + 0.5 * Math.min(1, Math.max(0, pressure)));

/**
 * Paints strokes as smooth curves: quadratic segments through the midpoints
 * of successive points, so fast movements with sparse events stay round.
 */
export function paintStrokes(context: CanvasRenderingContext2D, strokes: readonly Stroke[]): void {
  context.clearRect(0, 0, PAD_PIXELS, PAD_PIXELS);
  for (const stroke of strokes) paintStroke(context, stroke);
}

export function paintStroke(context: CanvasRenderingContext2D, stroke: Stroke, from = 0): void {
  context.strokeStyle = '#000';
  context.fillStyle = '#000';
  context.lineCap = 'round';
  context.lineJoin = 'round';
  const first = stroke[0];
  if (!first) return;
  if (stroke.length === 1) {
    context.beginPath();
    context.arc(first.x, first.y, widthAt(first.pressure) / 2, 0, 2 * Math.PI);
    context.fill();
    return;
  }
  for (let i = Math.max(1, from); i < stroke.length; i++) {
    const previous = stroke[i - 1] ?? first;
    const point = stroke[i] ?? previous;
    const beforePrevious = stroke[i - 2];
    const start = beforePrevious ? midpoint(beforePrevious, previous) : previous;
    const end = midpoint(previous, point);
    context.lineWidth = widthAt(point.pressure);
    context.beginPath();
    context.moveTo(start.x, start.y);
    context.quadraticCurveTo(previous.x, previous.y, end.x, end.y);
    // The last segment reaches the pointer itself, so the line never lags behind it.
    if (i === stroke.length - 1) context.lineTo(point.x, point.y);
    context.stroke();
  }
}

const midpoint = (a: StrokePoint, b: StrokePoint) => ({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 });

/** The part of the pad strokes can have inked: their points, widened by the widest pen and anti-aliasing. */
export function inkBox(strokes: readonly Stroke[]): { x: number; y: number; width: number; height: number } | undefined {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const stroke of strokes) {
    for (const { x, y } of stroke) {
      minX = Math.min(minX, x);
      minY = Math.min(minY, y);
      maxX = Math.max(maxX, x);
      maxY = Math.max(maxY, y);
    }
  }
  if (minX > maxX) return undefined;
  const reach = widthAt(1) / 2 + 2;
  const x = Math.max(0, Math.floor(minX - reach));
  const y = Math.max(0, Math.floor(minY - reach));
  return { x, y, width: Math.min(PAD_PIXELS, Math.ceil(maxX + reach)) - x, height: Math.min(PAD_PIXELS, Math.ceil(maxY + reach)) - y };
}

/**
 * The pad's ink. Only the part the strokes can have touched is read: the
 * preprocessing crops to the ink anyway, and reading the whole 280x280 pad
 * costs more than the small model's own run.
 */
export function readPad(context: CanvasRenderingContext2D, strokes: readonly Stroke[]): InkRaster {
  const box = inkBox(strokes) ?? { x: 0, y: 0, width: PAD_PIXELS, height: PAD_PIXELS };
  const image = context.getImageData(box.x, box.y, Math.max(1, box.width), Math.max(1, box.height));
  return inkFromRgba(image.data, image.width, image.height, 'dark-on-light');
}
