/**
 * Drawing without a pointer: the arrow keys move a pen from the centre,
 * drawing while it is down; Space lifts or lowers it (a new stroke).
 */
import type { DrawPhase } from './DrawPad';
import { PAD_PIXELS, type Stroke } from './strokes';

const STEP = 14;
const MOVES: Readonly<Record<string, readonly [number, number]>> = {
  ArrowUp: [0, -STEP],
  ArrowDown: [0, STEP],
  ArrowLeft: [-STEP, 0],
  ArrowRight: [STEP, 0],
};

export function keyboardPen() {
  let x = PAD_PIXELS / 2;
  let y = PAD_PIXELS / 2;
  let down = true;
  let fresh = true;
  return {
    /** Applies a key to the strokes; says what changed, or undefined for keys it does not use. */
    press(key: string, strokes: Stroke[]): DrawPhase | undefined {
      if (key === ' ') {
        down = !down;
        fresh = true;
        return down ? undefined : 'stroke-end';
      }
      const move = MOVES[key];
      if (!move) return undefined;
      const clamp = (v: number) => Math.min(PAD_PIXELS - 10, Math.max(10, v));
      if (down && fresh) strokes.push([{ x, y, pressure: 0.5 }]);
      fresh = false;
      x = clamp(x + move[0]);
      y = clamp(y + move[1]);
      if (down) strokes.at(-1)?.push({ x, y, pressure: 0.5 });
      return down ? 'stroke-end' : undefined;
    },
  };
}
