/** The app's local data: answers by input (cache), recent answers (history), requests waiting for the cloud (outbox). */
import type { Answer } from '../core/policy/answer';
import { answerTx } from './bounded';
import { AnswerCache } from './cache';
import { openAppDb, type AppDb } from './db';
import { AnswerHistory } from './history';
import { Outbox } from './outbox';

export interface AnswerStore {
  readonly cache: AnswerCache;
  readonly history: AnswerHistory;
  readonly outbox: Outbox;
  /** Caches and records an answer in one transaction. */
  save(answer: Answer): Promise<void>;
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
    async save(answer) {
      const tx = answerTx(db);
      await Promise.all([cache.putIn(tx, answer), history.recordIn(tx, answer), tx.done]);
    },
  };
}

export async function openAppStore(): Promise<AppStore> {
  const db = await openAppDb();
  // Without this, the browser may clear the outbox (and the precache) when disk runs low.
  const persisted = (await navigator.storage?.persist?.().catch(() => false)) ?? false;
  return { ...answerStore(db, await new AnswerCache(db).loadKeys()), persisted };
}

export type { CacheEntry, HistoryEntry, OutboxItem } from './db';
export { AnswerCache, AnswerHistory, Outbox };
