import type { Answer } from '../core/policy/answer';
import type { AppDb } from './db';

export const DEFAULT_CACHE_LIMIT = 2000;

/**
 * Answers by input fingerprint and model version, bounded: past the limit
 * the least recently used entries go. Writes use relaxed durability, since a
 * lost cache entry costs one model run, not data.
 */
export class AnswerCache {
  constructor(
    private readonly db: AppDb,
    private readonly limit = DEFAULT_CACHE_LIMIT,
  ) {}

  async get(cacheKey: string): Promise<Answer | undefined> {
    const entry = await this.db.get('cache', cacheKey);
    if (!entry) return undefined;
    // Marks it recently used; the answer does not wait for that.
    void this.db.put('cache', { ...entry, usedAt: Date.now() }).catch(() => undefined);
    return entry.answer;
  }

  async put(answer: Answer): Promise<void> {
    const tx = this.db.transaction('cache', 'readwrite', { durability: 'relaxed' });
    await tx.store.put({ cacheKey: answer.cacheKey, answer, usedAt: Date.now() });
    let excess = (await tx.store.count()) - this.limit;
    if (excess > 0) {
      let cursor = await tx.store.index('by-used').openCursor();
      while (cursor && excess > 0) {
        await cursor.delete();
        excess--;
        cursor = await cursor.continue();
      }
    }
    await tx.done;
  }

  count(): Promise<number> {
    return this.db.count('cache');
  }
}
