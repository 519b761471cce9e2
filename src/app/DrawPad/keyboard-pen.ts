/**
 * Drawing without a pointer: the arrow keys move a pen from the centre,
 * drawing while it is down; Space lifts or lowers it (a new stroke).
 */
import type { DrawPhase } from './DrawPad';
import { PAD_PIXELS, type Stroke } from './strokes';

const STEP = 14;
const EDGE = 10;
const MOVES: Readonly<Record<string, readonly [number, number]>> = {
  ArrowUp: [0, -STEP],
  ArrowDown: [0, STEP],
  ArrowLeft: [-STEP, 0],
  ArrowRight: [STEP, 0],
};

/** The keys the pen uses: the page must not scroll on them while the pad has focus. */
export const isPenKey = (key: string) => key === ' ' || key in MOVES;

export interface PenState {
  readonly x: number;
  readonly y: number;
  readonly down: boolean;
}

export function keyboardPen() {
  let x = PAD_PIXELS / 2;
  let y = PAD_PIXELS / 2;
  let down = true;
  let fresh = true;
  return {
    /** Applies a key to the strokes; says what changed, or undefined when the drawing did not change. */
    press(key: string, strokes: Stroke[]): DrawPhase | undefined {
      if (key === ' ') {
        down = !down;
        fresh = true;
        return down ? undefined : 'stroke-end';
      }
      const move = MOVES[key];
      if (!move) return undefined;
      const clamp = (v: number) => Math.min(PAD_PIXELS - EDGE, Math.max(EDGE, v));
      if (down && fresh) strokes.push([{ x, y, pressure: 0.5 }]);
      fresh = false;
      x = clamp(x + move[0]);
      y = clamp(y + move[1]);
      if (down) strokes.at(-1)?.push({ x, y, pressure: 0.5 });
      return down ? 'stroke-end' : undefined;
    },
    /** Where the pen is, in pad pixels, and whether it draws. */
    state(): PenState {
      return { x, y, down };
    },
  };
}
