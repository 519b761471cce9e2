/** Recent answers, one per drawing, newest first; bounded like the cache. */
import type { Answer } from '../core/policy/answer';
import { answerTx, putBounded, type AnswerTx } from './bounded';
import type { AppDb, HistoryEntry } from './db';

export const DEFAULT_HISTORY_LIMIT = 200;

export class AnswerHistory {
  constructor(
    private readonly db: AppDb,
    private readonly limit = DEFAULT_HISTORY_LIMIT,
  ) {}

  async record(answer: Answer, thumbnail?: Uint8Array): Promise<void> {
    const tx = answerTx(this.db);
    await Promise.all([this.recordIn(tx, answer, thumbnail), tx.done]);
  }

  /** Writes inside a transaction of the caller's, trimmed to the limit; a label the user gave the key already (while it waited) stays shown. */
  async recordIn(tx: AnswerTx, answer: Answer, thumbnail?: Uint8Array): Promise<void> {
    const label = await tx.objectStore('feedback').get(answer.key);
    const feedback = label ? { feedback: { label: label.label, at: label.at, sent: label.sent } } : {};
    await putBounded(
      tx,
      'history',
      { drawingId: answer.drawingId, answer, at: answer.at, ...(thumbnail ? { thumbnail } : {}), ...feedback },
      'by-time',
      this.limit,
    );
  }

  /** The entry showing the answer with this key, if one does. */
  async ofKey(key: string): Promise<HistoryEntry | undefined> {
    return this.db.getFromIndex('history', 'by-key', key);
  }

  /**
   * Puts the cloud's later answer into every entry that shows the same
   * request (a drawing repeated from the cache shares its request), unless
   * that drawing has moved on to another request since. Returns how many.
   */
  async revise(answer: Answer): Promise<number> {
    const tx = this.db.transaction('history', 'readwrite');
    let revised = 0;
    for (let cursor = await tx.store.index('by-key').openCursor(answer.key); cursor; cursor = await cursor.continue()) {
      await cursor.update({ ...cursor.value, answer: { ...answer, drawingId: cursor.value.drawingId } });
      revised++;
    }
    await tx.done;
    return revised;
  }

  async recent(count = 20): Promise<HistoryEntry[]> {
    const out: HistoryEntry[] = [];
    let cursor = await this.db.transaction('history').store.index('by-time').openCursor(null, 'prev');
    while (cursor && out.length < count) {
      out.push(cursor.value);
      cursor = await cursor.continue();
    }
    return out;
  }
}
