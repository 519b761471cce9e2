import { describe, expect, it } from 'vitest';
import { isPenKey, keyboardPen } from './keyboard-pen';
import { PAD_PIXELS, type Stroke } from './strokes';

describe('the keyboard pen', () => {
  it('draws from the centre while down, moves without drawing while up', () => {
    const pen = keyboardPen();
    const strokes: Stroke[] = [];
    expect(pen.press('ArrowUp', strokes)).toBe('stroke-end');
    expect(strokes).toHaveLength(1);
    expect(strokes[0]?.map((p) => [p.x, p.y])).toEqual([
      [140, 140],
      [140, 126],
    ]);
    expect(pen.press(' ', strokes)).toBe('stroke-end');
    expect(pen.state()).toEqual({ x: 140, y: 126, down: false });
    expect(pen.press('ArrowLeft', strokes)).toBeUndefined();
    expect(strokes).toHaveLength(1);
    expect(pen.press(' ', strokes)).toBeUndefined();
    expect(pen.press('ArrowDown', strokes)).toBe('stroke-end');
    expect(strokes).toHaveLength(2);
  });

  it('stays on the pad, and knows its keys', () => {
    const pen = keyboardPen();
    for (let i = 0; i < 40; i++) pen.press('ArrowRight', []);
    expect(pen.state().x).toBe(PAD_PIXELS - 10);
    expect(['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', ' '].every(isPenKey)).toBe(true);
    expect(isPenKey('a')).toBe(false);
  });
});
