/**
 * Connects the pad to the predictor: previews while drawing, settles when the
 * drawing rests, replays the outbox, takes the user's labels, and sends the
 * labels and sampled edge records (at the rate the server announces).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { modelForRole, type Manifest } from '../../core/manifest';
import { InputError } from '../../core/errors';
import type { InkRaster } from '../../core/preprocess';
import { AppConfig, DEFAULT_APP_CONFIG } from '../../core/api/app-config';
import { isRevision, type Answer, type Verdict } from '../../core/policy/answer';
import type { Settings } from '../../core/policy/settings';
import type { EdgeClient } from '../../edge/edge-client';
import { fetchAppConfig, sendEdgeLogs, sendFeedback } from '../../cloud/evaluation-client';
import { openAppStore, type AppStore, type HistoryEntry } from '../../store';
import { cloudAskerFor } from '../prediction/cloud-asker';
import { Predictor } from '../prediction/predictor';
import { Uploader } from '../prediction/uploader';
import { useLatest } from './use-latest';
import { useLivePreview } from './use-live-preview';

/** How long the drawing must rest after a stroke before it counts as settled. */
const SETTLE_MS = 250;
/** While requests wait and the app is online, the outbox is tried again this often. */
const RETRY_MS = 20_000;
/** The server's settings for the app, as last heard: the app follows them offline too. */
const APP_CONFIG_KEY = 'digits-app-config';

/** One thing waiting for the server, as the outbox view lists it. */
export interface PendingItem {
  readonly key: string;
  readonly kind: 'prediction' | 'feedback' | 'logs';
  readonly createdAt: number;
  readonly attempts: number;
  readonly lastError?: string;
}

export interface Pending {
  readonly predictions: number;
  readonly feedback: number;
  readonly logs: number;
  readonly items: readonly PendingItem[];
}

function storedAppConfig(): AppConfig {
  try {
    const stored = AppConfig.safeParse(JSON.parse(localStorage.getItem(APP_CONFIG_KEY) ?? 'null'));
    return stored.success ? stored.data : DEFAULT_APP_CONFIG;
  } catch {
    return DEFAULT_APP_CONFIG;
  }
}

export interface TwoPhase {
  readonly answer?: Answer;
  readonly preview?: Verdict;
  readonly history: readonly HistoryEntry[];
  /** Everything waiting for the server: cloud calls, labels and edge records; undefined until the store is read. */
  readonly outboxCount: number | undefined;
  readonly pending: Pending | undefined;
  /** Sends everything waiting now. */
  readonly retry: () => void;
  /** The user's label for an answer: stored at once, sent when online. */
  readonly giveFeedback: (answer: Answer, label: string) => void;
  /** The latest answer the cloud revised, for any drawing (also from a replay after reconnecting), until dismissed. */
  readonly revision?: Answer;
  readonly dismissRevision: () => void;
  readonly store?: AppStore;
  readonly predictor?: Predictor;
  readonly error?: string;
  readonly onDraw: (read: () => InkRaster, phase: 'moving' | 'stroke-end') => void;
  readonly onClear: () => void;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function useTwoPhase(manifest: Manifest, edge: EdgeClient | undefined, settings: Settings, online: boolean): TwoPhase {
  const [opened, setOpened] = useState<{ readonly store: AppStore; readonly predictor: Predictor; readonly uploader: Uploader }>();
  const [answer, setAnswer] = useState<Answer>();
  const [history, setHistory] = useState<readonly HistoryEntry[]>([]);
  // Unknown, not none, until the store is read: a queue of requests never shows as empty for a moment.
  const [pending, setPending] = useState<Pending>();
  const [revision, setRevision] = useState<Answer>();
  const [error, setError] = useState<string>();
  const drawingId = useRef<string>(crypto.randomUUID());
  const appConfig = useRef<AppConfig>(storedAppConfig());
  const live = useLatest({ edge, settings, online });

  // Once online, hear the server's current settings; keep them for the next start, offline included.
  useEffect(() => {
    if (!online) return;
    fetchAppConfig().then(
      (config) => {
        appConfig.current = config;
        localStorage.setItem(APP_CONFIG_KEY, JSON.stringify(config));
      },
      () => undefined,
    );
  }, [online]);

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
          logSampleRate: () => appConfig.current.edge_log_sample_rate,
          onAnswer: (next) => {
            // A drawing made again, answered from the cache, is no news: only the cloud's own answers are.
            if (isRevision(next) && next.source !== 'cache') setRevision(next);
            if (next.drawingId !== drawingId.current) return;
            // A slower, older request for this drawing must not overwrite a newer one; its own revision may.
            setAnswer((shown) => (!shown || next.key === shown.key || next.at >= shown.at ? next : shown));
          },
        });
        setOpened({ store, predictor, uploader: new Uploader({ store, sendFeedback, sendEdgeLogs }) });
      },
      (e: unknown) => setError(`local storage unavailable: ${errorText(e)}`),
    );
    return () => {
      cancelled = true;
    };
  }, [manifest, live]);
  const { store, predictor, uploader } = opened ?? {};

  const refresh = useCallback(async (): Promise<void> => {
    if (!store) return;
    const [recent, predictions, labels, logs] = await Promise.all([
      store.history.recent(20),
      store.outbox.pending(),
      store.feedback.pending(),
      store.edgeLogs.pending(),
    ]);
    setHistory(recent);
    const item = (key: string, kind: PendingItem['kind'], createdAt: number, attempts: number, lastError: string | undefined): PendingItem => ({
      key,
      kind,
      createdAt,
      attempts,
      ...(lastError ? { lastError } : {}),
    });
    setPending({
      predictions: predictions.length,
      feedback: labels.length,
      logs: logs.length,
      items: [
        ...predictions.map((p) => item(p.key, 'prediction', p.createdAt, p.attempts, p.lastError)),
        ...labels.map((l) => item(l.key, 'feedback', l.at, l.attempts, l.lastError)),
        ...logs.map((l) => item(l.key, 'logs', l.createdAt, l.attempts, l.lastError)),
      ].sort((a, b) => a.createdAt - b.createdAt),
    });
  }, [store]);

  /** Cloud calls first (their answers finalize records to log), then labels and records. */
  const replay = useCallback(async (): Promise<void> => {
    if (predictor && uploader && live.current.online) {
      await predictor.replay().catch(() => undefined);
      await predictor.flush();
      await uploader.send().catch(() => undefined);
    }
    await refresh();
  }, [predictor, uploader, refresh, live]);
  const outboxCount = pending && pending.predictions + pending.feedback + pending.logs;

  // At start and whenever the app comes back online; then every so often while requests wait.
  useEffect(() => {
    void Promise.resolve().then(replay);
  }, [online, replay]);
  useEffect(() => {
    if (!online || !outboxCount) return;
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
      await predictor.flush();
      // A sampled record waits in its queue; while online it goes at once.
      if (live.current.online) await uploader?.send().catch(() => undefined);
      await refresh();
    },
    [predictor, uploader, refresh, previewDone, live],
  );

  const giveFeedback = useCallback(
    (answer: Answer, label: string) => {
      if (!predictor) return;
      predictor
        .giveFeedback(answer, label)
        .then(refresh)
        .then(() => (live.current.online ? replay() : undefined))
        .catch((e: unknown) => setError(`your answer could not be kept: ${errorText(e)}`));
    },
    [predictor, refresh, replay, live],
  );
  const dismissRevision = useCallback(() => setRevision(undefined), []);
  const retry = useCallback(() => void replay(), [replay]);

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
  return {
    answer,
    preview,
    history,
    outboxCount,
    pending,
    retry,
    giveFeedback,
    ...(revision ? { revision } : {}),
    dismissRevision,
    store,
    predictor,
    error,
    onDraw,
    onClear,
  };
}
