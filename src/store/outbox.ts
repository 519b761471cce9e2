/**
 * Requests waiting for the cloud. Written with strict durability: closing the
 * tab right after a drawing must not lose its request.
 */
import type { AppDb, OutboxItem } from './db';

export class Outbox {
  constructor(private readonly db: AppDb) {}

  /** Stores a request; an older one for the same drawing is superseded by it. */
  async add(item: OutboxItem): Promise<void> {
    const tx = this.db.transaction('outbox', 'readwrite', { durability: 'strict' });
    for (const key of await tx.store.index('by-drawing').getAllKeys(item.drawingId)) {
      if (key !== item.key) await tx.store.delete(key);
    }
    await tx.store.put(item);
    await tx.done;
  }

  /** Oldest first, so replays answer in the order the user drew. */
  pending(): Promise<OutboxItem[]> {
    return this.db.getAllFromIndex('outbox', 'by-time');
  }

  async remove(key: string): Promise<void> {
    await this.db.delete('outbox', key);
  }

  async recordFailure(key: string, error: string): Promise<void> {
    const tx = this.db.transaction('outbox', 'readwrite');
    const item = await tx.store.get(key);
    if (item) await tx.store.put({ ...item, attempts: item.attempts + 1, lastError: error });
    await tx.done;
  }

  count(): Promise<number> {
    return this.db.count('outbox');
  }
}
