import { describe, expect, it } from 'vitest';
import { NEXT_DIGIT_PAUSE_MS, PadDrawings } from './pad-drawings';

const stroke = (x: number) => [{ x, y: x, pressure: 0.5 }];

describe('the pad drawings', () => {
  it('starts the next digit only after an answer and a pause, on a pad with ink', () => {
    const pad = new PadDrawings<string>();
    expect(pad.startsNext(10_000, true)).toBe(false);
    pad.strokes.push(stroke(1));
    pad.lastStrokeEnd = 1000;
    expect(pad.startsNext(1000 + NEXT_DIGIT_PAUSE_MS - 1, true)).toBe(false);
    expect(pad.startsNext(1000 + NEXT_DIGIT_PAUSE_MS, false)).toBe(false);
    expect(pad.startsNext(1000 + NEXT_DIGIT_PAUSE_MS, true)).toBe(true);
  });

  it('undo removes strokes, then brings back the drawing set aside, with what was saved', () => {
    const pad = new PadDrawings<string>();
    pad.strokes.push(stroke(1), stroke(2));
    pad.startNew('answer for 1-2');
    expect(pad.empty).toBe(true);
    pad.strokes.push(stroke(3));
    expect(pad.undo()).toEqual({ kind: 'restored', saved: 'answer for 1-2' });
    expect(pad.strokes).toEqual([stroke(1), stroke(2)]);
    expect(pad.undo()).toEqual({ kind: 'stroke' });
    expect(pad.undo()).toEqual({ kind: 'empty' });
  });

  it('keeps nothing for an empty drawing', () => {
    const pad = new PadDrawings<string>();
    pad.startNew('nothing');
    pad.strokes.push(stroke(1));
    expect(pad.undo()).toEqual({ kind: 'empty' });
  });
});
