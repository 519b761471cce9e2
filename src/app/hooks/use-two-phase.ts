/** Connects the pad to the predictor: previews while drawing, settles when the drawing rests, replays the outbox. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { modelForRole, type Manifest } from '../../core/manifest';
import { InputError } from '../../core/errors';
import type { InkRaster } from '../../core/preprocess';
import type { Answer, Verdict } from '../../core/policy/answer';
import type { Settings } from '../../core/policy/settings';
import type { EdgeClient } from '../../edge/edge-client';
import { openAppStore, type AppStore, type HistoryEntry } from '../../store';
import { cloudAskerFor } from '../prediction/cloud-asker';
import { Predictor } from '../prediction/predictor';
import { useLatest } from './use-latest';
import { useLivePreview } from './use-live-preview';

/** How long the drawing must rest after a stroke before it counts as settled. */
const SETTLE_MS = 250;
/** While requests wait and the app is online, the outbox is tried again this often. */
const RETRY_MS = 20_000;

export interface TwoPhase {
  readonly answer?: Answer;
  readonly preview?: Verdict;
  readonly history: readonly HistoryEntry[];
  readonly outboxCount: number;
  readonly store?: AppStore;
  readonly predictor?: Predictor;
  readonly error?: string;
  readonly onDraw: (read: () => InkRaster, phase: 'moving' | 'stroke-end') => void;
  readonly onClear: () => void;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function useTwoPhase(manifest: Manifest, edge: EdgeClient | undefined, settings: Settings, online: boolean): TwoPhase {
  const [opened, setOpened] = useState<{ readonly store: AppStore; readonly predictor: Predictor }>();
  const [answer, setAnswer] = useState<Answer>();
  const [history, setHistory] = useState<readonly HistoryEntry[]>([]);
  const [outboxCount, setOutboxCount] = useState(0);
  const [error, setError] = useState<string>();
  const drawingId = useRef<string>(crypto.randomUUID());
  const live = useLatest({ edge, settings, online });

  useEffect(() => {
    let cancelled = false;
    openAppStore().then(
      (store) => {
        if (cancelled) return;
        const predictor = new Predictor({
          edgeModel: modelForRole(manifest, 'edge'),
          edge: () => live.current.edge,
          askCloud: cloudAskerFor(modelForRole(manifest, 'cloud')),
          store,
          settings: () => live.current.settings,
          online: () => live.current.online,
          onAnswer: (next) => {
            if (next.drawingId !== drawingId.current) return;
            // A slower, older request for this drawing must not overwrite a newer one; its own revision may.
            setAnswer((shown) => (!shown || next.key === shown.key || next.at >= shown.at ? next : shown));
          },
        });
        setOpened({ store, predictor });
      },
      (e: unknown) => setError(`local storage unavailable: ${errorText(e)}`),
    );
    return () => {
      cancelled = true;
    };
  }, [manifest, live]);
  const { store, predictor } = opened ?? {};

  const refresh = useCallback(
    (): Promise<void> =>
      store
        ? Promise.all([store.history.recent(20), store.outbox.count()]).then(([recent, count]) => {
            setHistory(recent);
            setOutboxCount(count);
          })
        : Promise.resolve(),
    [store],
  );

  const replay = useCallback(
    (): Promise<void> =>
      predictor && live.current.online
        ? predictor
            .replay()
            .catch(() => undefined)
            .then(refresh)
        : refresh(),
    [predictor, refresh, live],
  );

  // At start and whenever the app comes back online; then every so often while requests wait.
  useEffect(() => {
    void replay();
  }, [online, replay]);
  useEffect(() => {
    if (!online || outboxCount === 0) return;
    const timer = setInterval(() => void replay(), RETRY_MS);
    return () => clearInterval(timer);
  }, [online, outboxCount, replay]);

  const { preview, move: previewMove, rest: previewRest, done: previewDone } = useLivePreview(predictor);
  const settleTimer = useRef<number>(undefined);
  const settle = useCallback(
    async (read: () => InkRaster) => {
      if (!predictor) return;
      const id = drawingId.current;
      try {
        await predictor.settle(read(), id);
        if (id === drawingId.current) previewDone();
        setError(undefined);
      } catch (e) {
        if (!(e instanceof InputError)) setError(errorText(e));
      }
      await refresh();
    },
    [predictor, refresh, previewDone],
  );

  const onDraw = useCallback(
    (read: () => InkRaster, phase: 'moving' | 'stroke-end') => {
      clearTimeout(settleTimer.current);
      if (phase === 'moving') return previewMove(read);
      previewRest();
      settleTimer.current = window.setTimeout(() => void settle(read), SETTLE_MS);
    },
    [previewMove, previewRest, settle],
  );

  const onClear = useCallback(() => {
    clearTimeout(settleTimer.current);
    drawingId.current = crypto.randomUUID();
    previewRest();
    previewDone();
    setAnswer(undefined);
  }, [previewRest, previewDone]);
  return { answer, preview, history, outboxCount, store, predictor, error, onDraw, onClear };
}
