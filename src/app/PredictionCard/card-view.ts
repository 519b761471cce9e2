/**
 * What the prediction card shows for the current drawing: nothing yet, the
 * small model's reading while the drawing changes, the device's guess while
 * the full model is asked, an answer that waits for the full model, or the
 * settled answer.
 */
import type { Answer, Verdict } from '../../core/policy/answer';

export type CardPhase = 'empty' | 'reading' | 'checking' | 'waiting' | 'settled';

export interface CardView {
  readonly phase: CardPhase;
  /** The verdict on the card: the preview while reading, else the answer's. */
  readonly verdict?: Verdict | undefined;
  /** The answer the card stands for, once the drawing has one newer than its last change. */
  readonly answer?: Answer | undefined;
}

/**
 * @param changedAt when the drawing last changed (Date.now()), 0 for a new
 *   drawing; an answer older than that is for a previous state of the drawing.
 */
export function cardView(answer: Answer | undefined, preview: Verdict | undefined, changedAt: number): CardView {
  const current = answer && answer.at >= changedAt ? answer : undefined;
  if (!current) {
    const verdict = preview ?? answer?.verdict;
    return verdict || changedAt > 0 ? { phase: 'reading', verdict } : { phase: 'empty' };
  }
  switch (current.status) {
    case 'asking-cloud':
      return { phase: 'checking', verdict: current.verdict, answer: current };
    case 'queued':
    case 'fallback':
      return { phase: 'waiting', verdict: current.verdict, answer: current };
    case 'final':
      return { phase: 'settled', verdict: current.verdict, answer: current };
  }
}
