/**
 * Sends what waits for the server besides cloud calls: the user's labels and
 * the edge records, oldest first, in batches. A batch the server acknowledged
 * leaves the queue; a refused one (a 4xx that sending again cannot fix) too,
 * with a warning, and refused labels are no longer shown as given; anything
 * else stays for the next try.
 */
import { MAX_FEEDBACK_LABELS, type EdgeLogResponse, type EdgeRecord, type FeedbackRequest, type FeedbackResponse } from '../../core/api/evaluation';
import { CloudError } from '../../cloud/cloud-client';
import type { AnswerStore } from '../../store';

/** Edge records per request: well under the server's MAX_LOG_RECORDS, and small enough with pixels. */
export const LOG_BATCH = 200;

export interface UploaderDeps {
  readonly store: AnswerStore;
  readonly sendFeedback: (labels: FeedbackRequest['labels']) => Promise<FeedbackResponse>;
  readonly sendEdgeLogs: (records: readonly EdgeRecord[]) => Promise<EdgeLogResponse>;
}

export interface UploadResult {
  readonly labels: number;
  readonly records: number;
  readonly error?: string;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));
const givesUp = (error: unknown) => error instanceof CloudError && !error.retryable;

export class Uploader {
  private sending: Promise<UploadResult> | undefined;
  /** Something was queued after the running pass read its queues: one more pass follows. */
  private again = false;

  constructor(private readonly deps: UploaderDeps) {}

  /** Sends everything waiting; one run at a time (a call during a run makes it pass over the queues once more). */
  send(): Promise<UploadResult> {
    if (this.sending) {
      this.again = true;
      return this.sending;
    }
    this.sending = this.untilCaughtUp().finally(() => (this.sending = undefined));
    return this.sending;
  }

  private async untilCaughtUp(): Promise<UploadResult> {
    let total: UploadResult = { labels: 0, records: 0 };
    do {
      this.again = false;
      const pass = await this.sendAll();
      total = { labels: total.labels + pass.labels, records: total.records + pass.records, ...(pass.error ? { error: pass.error } : {}) };
      if (pass.error) return total;
    } while (this.again);
    return total;
  }

  private async sendAll(): Promise<UploadResult> {
    const { feedback, edgeLogs } = this.deps.store;
    let labels = 0;
    let records = 0;
    // Records first: a label whose prediction is logged joins at once instead of waiting as pending.
    for (let batch = await edgeLogs.pending(LOG_BATCH); batch.length > 0; batch = await edgeLogs.pending(LOG_BATCH)) {
      try {
        const reply = await this.deps.sendEdgeLogs(batch.map((item) => item.record));
        if (reply.rejected.length > 0) console.warn(`the prediction log refused ${reply.rejected.length} edge record(s): ${reply.rejected[0]?.error ?? ''}`);
        records += reply.accepted + reply.duplicates;
        await edgeLogs.remove(batch.map((item) => item.key));
      } catch (error) {
        if (givesUp(error)) {
          console.warn(`edge records dropped: ${errorText(error)}`);
          await edgeLogs.remove(batch.map((item) => item.key));
          continue;
        }
        await edgeLogs.recordFailure(batch, errorText(error));
        return { labels, records, error: errorText(error) };
      }
    }
    const pending = await feedback.pending();
    for (let start = 0; start < pending.length; start += MAX_FEEDBACK_LABELS) {
      const batch = pending.slice(start, start + MAX_FEEDBACK_LABELS);
      try {
        await this.deps.sendFeedback(batch.map((item) => ({ key: item.key, label: item.label, time: new Date(item.at).toISOString() })));
        await feedback.markSent(batch);
        labels += batch.length;
      } catch (error) {
        if (givesUp(error)) {
          console.warn(`labels refused by the server: ${errorText(error)}`);
          await feedback.drop(batch);
          continue;
        }
        await feedback.recordFailure(batch, errorText(error));
        return { labels, records, error: errorText(error) };
      }
    }
    return { labels, records };
  }
}
