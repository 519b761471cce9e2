/**
 * The user's labels (ground truth) by answer key, waiting for the server and
 * kept once sent. Written with strict durability: a label given just before
 * the tab closes must not be lost. A changed mind replaces the label and
 * sends it again.
 */
import type { IDBPObjectStore } from 'idb';
import type { AppDb, AppSchema, FeedbackItem } from './db';

/** Labels kept at most: past it, the oldest the server already has go (the history keeps showing them). */
export const FEEDBACK_LIMIT = 2000;

export class FeedbackQueue {
  constructor(private readonly db: AppDb) {}

  /** Stores a label for `key`, to be sent; marks every history entry of that key. */
  async give(key: string, label: string, at = Date.now()): Promise<FeedbackItem> {
    const item: FeedbackItem = { key, label, at, sent: false, attempts: 0 };
    const tx = this.db.transaction(['feedback', 'history'], 'readwrite', { durability: 'strict' });
    await tx.objectStore('feedback').put(item);
    for (let cursor = await tx.objectStore('history').index('by-key').openCursor(key); cursor; cursor = await cursor.continue()) {
      await cursor.update({ ...cursor.value, feedback: { label, at, sent: false } });
    }
    await tx.done;
    return item;
  }

  get(key: string): Promise<FeedbackItem | undefined> {
    return this.db.get('feedback', key);
  }

  /** Labels the server does not have yet, oldest first. */
  async pending(): Promise<FeedbackItem[]> {
    return (await this.db.getAllFromIndex('feedback', 'by-time')).filter((item) => !item.sent);
  }

  /** Marks these labels sent, unless the user changed one since (then the newer one still waits). */
  async markSent(sent: readonly FeedbackItem[]): Promise<void> {
    const tx = this.db.transaction(['feedback', 'history'], 'readwrite');
    const done = new Set<string>();
    for (const item of sent) {
      const current = await tx.objectStore('feedback').get(item.key);
      if (current?.at !== item.at || current.label !== item.label) continue;
      await tx.objectStore('feedback').put({ ...current, sent: true });
      done.add(item.key);
    }
    for (const key of done) {
      for (let cursor = await tx.objectStore('history').index('by-key').openCursor(key); cursor; cursor = await cursor.continue()) {
        const feedback = cursor.value.feedback;
        if (feedback) await cursor.update({ ...cursor.value, feedback: { ...feedback, sent: true } });
      }
    }
    await this.trimSent(tx.objectStore('feedback'));
    await tx.done;
  }

  /** Deletes the oldest sent labels beyond the limit; labels still waiting are never deleted. */
  private async trimSent(store: IDBPObjectStore<AppSchema, ['feedback', 'history'], 'feedback', 'readwrite'>): Promise<void> {
    let excess = (await store.count()) - FEEDBACK_LIMIT;
    for (let cursor = excess > 0 ? await store.index('by-time').openCursor() : null; cursor && excess > 0; cursor = await cursor.continue()) {
      if (!cursor.value.sent) continue;
      await cursor.delete();
      excess--;
    }
  }

  /** Forgets labels the server refused for good: they are no longer shown as given. */
  async drop(items: readonly FeedbackItem[]): Promise<void> {
    const tx = this.db.transaction(['feedback', 'history'], 'readwrite');
    for (const item of items) {
      const current = await tx.objectStore('feedback').get(item.key);
      if (current?.at !== item.at) continue;
      await tx.objectStore('feedback').delete(item.key);
      for (let cursor = await tx.objectStore('history').index('by-key').openCursor(item.key); cursor; cursor = await cursor.continue()) {
        const { feedback: _dropped, ...entry } = cursor.value;
        await cursor.update(entry);
      }
    }
    await tx.done;
  }

  async recordFailure(items: readonly FeedbackItem[], error: string): Promise<void> {
    const tx = this.db.transaction('feedback', 'readwrite');
    for (const item of items) {
      const current = await tx.store.get(item.key);
      if (current && !current.sent) await tx.store.put({ ...current, attempts: current.attempts + 1, lastError: error });
    }
    await tx.done;
  }

  async countPending(): Promise<number> {
    return (await this.pending()).length;
  }
}
