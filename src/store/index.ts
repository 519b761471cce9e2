import { AnswerCache } from './cache';
import { openAppDb } from './db';
import { AnswerHistory } from './history';
import { Outbox } from './outbox';

export interface AppStore {
  readonly cache: AnswerCache;
  readonly history: AnswerHistory;
  readonly outbox: Outbox;
  /** Whether the browser agreed to keep this origin's data under storage pressure. */
  readonly persisted: boolean;
}

export async function openAppStore(): Promise<AppStore> {
  const db = await openAppDb();
  // Without this, the browser may clear the outbox (and the precache) when disk runs low.
  const persisted = (await navigator.storage?.persist?.().catch(() => false)) ?? false;
  return { cache: new AnswerCache(db), history: new AnswerHistory(db), outbox: new Outbox(db), persisted };
}

export type { CacheEntry, HistoryEntry, OutboxItem } from './db';
export { AnswerCache, AnswerHistory, Outbox };
