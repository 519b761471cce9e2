/** Write helpers shared by the answer cache and the history, which both stay within a fixed size. */
import type { IDBPTransaction } from 'idb';
import type { AppDb, AppSchema } from './db';

/** One write transaction over the cache and the history (reading the user's labels), so an answer is stored in one trip. */
export type AnswerTx = IDBPTransaction<AppSchema, ['cache', 'history', 'feedback'], 'readwrite'>;

export function answerTx(db: AppDb): AnswerTx {
  // Relaxed: a lost cache or history entry costs a model run, not data.
  return db.transaction(['cache', 'history', 'feedback'], 'readwrite', { durability: 'relaxed' });
}

/**
 * Puts a value, then deletes the oldest entries by `index` until at most
 * `limit` remain; `evicted` hears each key deleted.
 */
export async function putBounded<Name extends 'cache' | 'history'>(
  tx: AnswerTx,
  name: Name,
  value: AppSchema[Name]['value'],
  index: keyof AppSchema[Name]['indexes'] & string,
  limit: number,
  evicted?: (key: string) => void,
): Promise<void> {
  const store = tx.objectStore(name);
  await store.put(value);
  let excess = (await store.count()) - limit;
  let cursor = excess > 0 ? await store.index(index as never).openCursor() : null;
  while (cursor && excess > 0) {
    evicted?.(String(cursor.primaryKey));
    await cursor.delete();
    excess--;
    cursor = await cursor.continue();
  }
}
