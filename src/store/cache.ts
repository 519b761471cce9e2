/**
 * Answers by input fingerprint and model version, bounded: past the limit
 * the least recently used entries go.
 */
import type { Answer } from '../core/policy/answer';
import { answerTx, putBounded, type AnswerTx } from './bounded';
import type { AppDb } from './db';

export const DEFAULT_CACHE_LIMIT = 2000;

export class AnswerCache {
  /**
   * The keys stored, when known: a new drawing (the common case) then misses
   * without a trip to IndexedDB. Another tab's writes are not in it; that
   * costs at most a model run, never a wrong answer.
   */
  private known: Set<string> | undefined;

  constructor(
    private readonly db: AppDb,
    private readonly limit = DEFAULT_CACHE_LIMIT,
  ) {}

  /** Reads the stored keys once, so later misses are answered from memory. */
  async loadKeys(): Promise<this> {
    this.known = new Set(await this.db.getAllKeys('cache'));
    return this;
  }

  async get(cacheKey: string): Promise<Answer | undefined> {
    if (this.known && !this.known.has(cacheKey)) return undefined;
    const entry = await this.db.get('cache', cacheKey);
    if (!entry) return undefined;
    // Marks it recently used; the answer does not wait for that.
    void this.db.put('cache', { ...entry, usedAt: Date.now() }).catch(() => undefined);
    return entry.answer;
  }

  async put(answer: Answer): Promise<void> {
    const tx = answerTx(this.db);
    await Promise.all([this.putIn(tx, answer), tx.done]);
  }

  /** Writes inside a transaction of the caller's, trimmed to the limit. */
  putIn(tx: AnswerTx, answer: Answer): Promise<void> {
    this.known?.add(answer.cacheKey);
    const entry = { cacheKey: answer.cacheKey, answer, usedAt: Date.now() };
    return putBounded(tx, 'cache', entry, 'by-used', this.limit, (key) => this.known?.delete(key));
  }

  count(): Promise<number> {
    return this.db.count('cache');
  }
}
