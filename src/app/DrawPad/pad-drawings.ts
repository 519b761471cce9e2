/**
 * The pad's drawings: the strokes of the current one, and the drawings set
 * aside when a new one started (Clear, Escape, Enter, or the next digit),
 * which undo brings back, most recent first.
 */
import type { Stroke } from './strokes';

/** After an answer, a stroke that starts at least this long after the last one ended begins the next digit. */
export const NEXT_DIGIT_PAUSE_MS = 800;
/** Drawings kept for undo. */
const KEPT = 20;

export type UndoResult<Saved> = { readonly kind: 'stroke' } | { readonly kind: 'empty' } | { readonly kind: 'restored'; readonly saved: Saved };

export class PadDrawings<Saved> {
  strokes: Stroke[] = [];
  /** When the last stroke ended (performance.now()). */
  lastStrokeEnd = -Infinity;
  private readonly kept: { readonly strokes: Stroke[]; readonly saved: Saved }[] = [];

  get empty(): boolean {
    return this.strokes.length === 0;
  }

  /** Whether a stroke starting `now` begins a new drawing, when the answer has settled and the setting is on. */
  startsNext(now: number, answerSettled: boolean): boolean {
    return answerSettled && !this.empty && now - this.lastStrokeEnd >= NEXT_DIGIT_PAUSE_MS;
  }

  /** Starts a new, empty drawing; the current one, if it has ink, is kept for undo along with `saved`. */
  startNew(saved: Saved): void {
    if (!this.empty) {
      this.kept.push({ strokes: this.strokes, saved });
      if (this.kept.length > KEPT) this.kept.shift();
    }
    this.strokes = [];
  }

  /** The last stroke goes; when none is left, the drawing set aside last comes back. */
  undo(): UndoResult<Saved> {
    this.strokes.pop();
    if (!this.empty) return { kind: 'stroke' };
    const previous = this.kept.pop();
    if (!previous) return { kind: 'empty' };
    this.strokes = previous.strokes;
    return { kind: 'restored', saved: previous.saved };
  }
}
