/**
 * The small model's reading while the user draws. At most one run is in
 * flight, so a slow backend (WebGPU on a software adapter takes ~100 ms)
 * never piles up runs in front of the settled answer.
 */
import { useCallback, useRef, useState } from 'react';
import type { InkRaster } from '../../core/preprocess';
import type { Verdict } from '../../core/policy/answer';
import type { Predictor } from '../prediction/predictor';

/** While a stroke is under way, the small model reads the pad at most this often. */
const PREVIEW_MS = 40;

export interface LivePreview {
  readonly preview?: Verdict;
  /** The pen moved: read the pad soon, unless a reading is already under way. */
  readonly move: (read: () => InkRaster) => void;
  /** The stroke ended: readings still under way are dropped. */
  readonly rest: () => void;
  /** The settled answer is shown, or the pad was cleared: the preview goes, unless a new stroke began. */
  readonly done: () => void;
}

export function useLivePreview(predictor: Predictor | undefined): LivePreview {
  const [preview, setPreview] = useState<Verdict>();
  const state = useRef<{ moving: boolean; running: boolean; timer?: number }>({ moving: false, running: false });

  const move = useCallback(
    (read: () => InkRaster) => {
      const s = state.current;
      s.moving = true;
      if (!predictor || s.running || s.timer !== undefined) return;
      s.timer = window.setTimeout(() => {
        s.timer = undefined;
        s.running = true;
        predictor
          .preview(read())
          .then(
            (verdict) => s.moving && verdict && setPreview(verdict),
            () => undefined,
          )
          .finally(() => (s.running = false));
      }, PREVIEW_MS);
    },
    [predictor],
  );

  const rest = useCallback(() => {
    const s = state.current;
    s.moving = false;
    clearTimeout(s.timer);
    s.timer = undefined;
  }, []);

  const done = useCallback(() => {
    if (!state.current.moving) setPreview(undefined);
  }, []);

  return { preview, move, rest, done };
}
