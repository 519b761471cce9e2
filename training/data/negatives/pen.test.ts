/** The negatives' pen draws as the drawn-digit fixtures do, their strokes as the app paints them, and scribbles are tangles. */
import { describe, expect, it } from 'vitest';
import { DIGIT_STROKES, PAD_SIZE, type Stroke } from '../../../test/fixtures/digit-strokes';
import { seededRandom } from '../random';
import { crossings, scribblePaths, turning } from './marks';
import { boundsOf, createPad, inkPolyline, PAD, paintedCurve, pointerEvents, type Point } from './pen';

/** An independent reference: every pixel whose distance to a segment (by Math.hypot) is within the radius. */
function referenceInk(strokes: readonly Stroke[], width: number): Float32Array {
  const ink = new Float32Array(PAD * PAD);
  const radius = width / 2;
  for (const stroke of strokes) {
    for (let s = 1; s < stroke.length; s++) {
      const [x0, y0] = stroke[s - 1] as Point;
      const [x1, y1] = stroke[s] as Point;
      const length2 = (x1 - x0) ** 2 + (y1 - y0) ** 2 || 1;
      for (let y = 0; y < PAD; y++) {
        for (let x = 0; x < PAD; x++) {
          const t = Math.max(0, Math.min(1, ((x - x0) * (x1 - x0) + (y - y0) * (y1 - y0)) / length2));
          if (Math.hypot(x - (x0 + t * (x1 - x0)), y - (y0 + t * (y1 - y0))) <= radius) ink[y * PAD + x] = 1;
        }
      }
    }
  }
  return ink;
}

describe('the pen', () => {
  it('works on the same pad as the fixtures and the app', () => {
    expect(PAD).toBe(PAD_SIZE);
  });

  it.each([10, 18, 30])('inks the drawn digits exactly as a plain distance test does, with a %i px pen', (width) => {
    for (const strokes of Object.values(DIGIT_STROKES)) {
      const ink = createPad();
      for (const stroke of strokes) inkPolyline(ink, stroke, width);
      expect(Buffer.from(ink.buffer).equals(Buffer.from(referenceInk(strokes, width).buffer))).toBe(true);
    }
  });

  it('inks a single tap as a dot the width of the pen', () => {
    const ink = createPad();
    inkPolyline(ink, [[100, 100]], 18);
    const inked = ink.reduce((sum, v) => sum + v, 0);
    expect(inked).toBeGreaterThan(0.9 * Math.PI * 81);
    expect(inked).toBeLessThan(1.2 * Math.PI * 81);
  });
});

describe('strokes as the app paints them', () => {
  const corner: Point[] = [
    [20, 20],
    [200, 20],
    [200, 200],
  ];

  it('keeps both ends of a stroke and samples it every `spacing` px or so', () => {
    const events = pointerEvents(corner, 10, seededRandom(1));
    expect(events[0]).toEqual([20, 20]);
    expect(events.at(-1)).toEqual([200, 200]);
    expect(events.length).toBeGreaterThan(360 / 14);
    expect(events.length).toBeLessThan(360 / 6 + 2);
  });

  it('rounds a corner off more the sparser the events', () => {
    const gap = (spacing: number) => {
      const curve = paintedCurve(pointerEvents(corner, spacing, seededRandom(2)));
      return Math.min(...curve.map(([x, y]) => Math.hypot(x - 200, y - 20)));
    };
    expect(gap(4)).toBeLessThan(3);
    expect(gap(30)).toBeGreaterThan(gap(4));
  });
});

describe('what counts as a tangle', () => {
  it('counts the crossings that close real loops, not a line gone over again', () => {
    const figureEight: Point[] = Array.from({ length: 65 }, (_, i) => {
      const t = 0.5 + (i / 64) * 2 * Math.PI;
      return [50 + 40 * Math.sin(t), 50 + 40 * Math.sin(t) * Math.cos(t)];
    });
    expect(crossings([figureEight], 20)).toBe(1);
    const retraced: Point[] = [
      [0, 0],
      [100, 0],
      [0, 4],
      [100, -4],
    ];
    expect(crossings([retraced], 20)).toBe(0);
  });

  it('keeps every scribble a tangle', () => {
    for (let seed = 0; seed < 200; seed++) {
      const paths = scribblePaths(seededRandom(seed));
      const box = boundsOf(paths);
      expect(crossings(paths, 0.5 * Math.max(box.maxX - box.minX, box.maxY - box.minY))).toBeGreaterThanOrEqual(3);
      expect(paths.reduce((sum, path) => sum + turning(path), 0)).toBeGreaterThanOrEqual(3 * Math.PI);
    }
  });

  it('measures how much a path turns', () => {
    expect(
      turning([
        [0, 0],
        [10, 0],
        [10, 10],
      ]),
    ).toBeCloseTo(Math.PI / 2);
  });
});
