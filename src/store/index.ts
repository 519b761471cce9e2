/**
 * The app's local data: answers by input (cache), recent answers (history),
 * requests waiting for the cloud (outbox), the user's labels (feedback) and
 * edge predictions waiting for the server's log.
 */
import type { Answer } from '../core/policy/answer';
import { answerTx } from './bounded';
import { AnswerCache } from './cache';
import { openAppDb, type AppDb } from './db';
import { EdgeLogQueue } from './edge-logs';
import { FeedbackQueue } from './feedback';
import { AnswerHistory } from './history';
import { Outbox } from './outbox';

export interface AnswerStore {
  readonly cache: AnswerCache;
  readonly history: AnswerHistory;
  readonly outbox: Outbox;
  readonly feedback: FeedbackQueue;
  readonly edgeLogs: EdgeLogQueue;
  /** Caches and records an answer in one transaction; the history keeps the thumbnail when given. */
  save(answer: Answer, thumbnail?: Uint8Array): Promise<void>;
}

export interface AppStore extends AnswerStore {
  /** Whether the browser agreed to keep this origin's data under storage pressure. */
  readonly persisted: boolean;
}

export function answerStore(db: AppDb, cache = new AnswerCache(db)): AnswerStore {
  const history = new AnswerHistory(db);
  return {
    cache,
    history,
    outbox: new Outbox(db),
    feedback: new FeedbackQueue(db),
    edgeLogs: new EdgeLogQueue(db),
    async save(answer, thumbnail) {
      const tx = answerTx(db);
      await Promise.all([cache.putIn(tx, answer), history.recordIn(tx, answer, thumbnail), tx.done]);
    },
  };
}

export async function openAppStore(): Promise<AppStore> {
  const db = await openAppDb();
  // Without this, the browser may clear the outbox (and the precache) when disk runs low.
  const persisted = (await navigator.storage?.persist?.().catch(() => false)) ?? false;
  return { ...answerStore(db, await new AnswerCache(db).loadKeys()), persisted };
}

export type { CacheEntry, EdgeLogItem, FeedbackItem, FeedbackState, HistoryEntry, OutboxItem } from './db';
export { AnswerCache, AnswerHistory, EdgeLogQueue, FeedbackQueue, Outbox };
