/**
 * The drawing on the pad as the page sees it: when it last changed (so the
 * card tells a fresh answer from one for an earlier state of the drawing),
 * the answer of a drawing that undo brought back, and the pad's callbacks
 * wrapped around the two-phase hook's.
 */
import { useCallback, useRef, useState } from 'react';
import type { Answer } from '../../core/policy/answer';
import type { InkRaster } from '../../core/preprocess';
import type { DrawPhase } from '../DrawPad/DrawPad';
import { useLatest } from './use-latest';
import type { TwoPhase } from './use-two-phase';

export interface DrawingSession {
  /** The answer for the drawing on the pad: the hook's, or the one undo brought back (as revised since). */
  readonly answer?: Answer | undefined;
  /** When the drawing last changed (Date.now()); 0 for a new or restored drawing. */
  readonly changedAt: number;
  readonly onDraw: (read: () => InkRaster, phase: DrawPhase) => void;
  /** A new drawing starts: returns the answer shown, to keep with the old drawing. */
  readonly onNewDrawing: () => Answer | undefined;
  readonly onRestore: (saved: Answer | undefined) => void;
}

export function useDrawingSession(twoPhase: Pick<TwoPhase, 'answer' | 'history' | 'onDraw' | 'onClear'>): DrawingSession {
  const [changedAt, setChangedAt] = useState(0);
  const [restored, setRestored] = useState<Answer>();
  const stroking = useRef(false);
  const { onDraw: draw, onClear, history } = twoPhase;
  const answer = twoPhase.answer ?? (restored && (history.find((e) => e.drawingId === restored.drawingId)?.answer ?? restored));
  const shown = useLatest(answer);

  const onDraw = useCallback(
    (read: () => InkRaster, phase: DrawPhase) => {
      // Once per stroke start and per stroke end: not on every pointer move.
      if (phase === 'stroke-end' || !stroking.current) {
        setChangedAt(Date.now());
        setRestored(undefined);
      }
      stroking.current = phase === 'moving';
      draw(read, phase);
    },
    [draw],
  );

  const onNewDrawing = useCallback(() => {
    const saved = shown.current;
    stroking.current = false;
    onClear();
    setChangedAt(0);
    setRestored(undefined);
    return saved;
  }, [onClear, shown]);

  const onRestore = useCallback(
    (saved: Answer | undefined) => {
      // The pad holds another drawing now: what the hook had for the one set aside goes.
      stroking.current = false;
      onClear();
      setRestored(saved);
      setChangedAt(0);
    },
    [onClear],
  );

  return { answer, changedAt, onDraw, onNewDrawing, onRestore };
}
