/**
 * Edge predictions waiting for the server's prediction log, one per key. The
 * server logs each (key, model, version, source) once, so sending one again
 * after a lost answer is harmless.
 */
import type { EdgeRecord } from '../core/api/evaluation';
import type { AppDb, EdgeLogItem } from './db';

export class EdgeLogQueue {
  constructor(private readonly db: AppDb) {}

  /** Queues a record, and marks the history entries of its key as logged, in one transaction. */
  async add(record: EdgeRecord, at = Date.now()): Promise<void> {
    const tx = this.db.transaction(['edge-logs', 'history'], 'readwrite');
    await tx.objectStore('edge-logs').put({ key: record.key, record, createdAt: at, attempts: 0 });
    for (let cursor = await tx.objectStore('history').index('by-key').openCursor(record.key); cursor; cursor = await cursor.continue()) {
      await cursor.update({ ...cursor.value, logged: true });
    }
    await tx.done;
  }

  /** The oldest `limit` waiting. */
  async pending(limit = Infinity): Promise<EdgeLogItem[]> {
    const out: EdgeLogItem[] = [];
    let cursor = await this.db.transaction('edge-logs').store.index('by-time').openCursor();
    while (cursor && out.length < limit) {
      out.push(cursor.value);
      cursor = await cursor.continue();
    }
    return out;
  }

  async remove(keys: readonly string[]): Promise<void> {
    const tx = this.db.transaction('edge-logs', 'readwrite');
    await Promise.all([...keys.map((key) => tx.store.delete(key)), tx.done]);
  }

  async recordFailure(items: readonly EdgeLogItem[], error: string): Promise<void> {
    const tx = this.db.transaction('edge-logs', 'readwrite');
    for (const item of items) {
      const current = await tx.store.get(item.key);
      if (current) await tx.store.put({ ...current, attempts: current.attempts + 1, lastError: error });
    }
    await tx.done;
  }

  count(): Promise<number> {
    return this.db.count('edge-logs');
  }
}
