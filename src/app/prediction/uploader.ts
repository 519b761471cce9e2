/**
 * Sends what waits for the server besides cloud calls: the user's labels and
 * the edge records, oldest first, in batches. A batch the server acknowledged
 * leaves the queue; a refused one (a 4xx that sending again cannot fix) too,
 * with a warning; anything else stays for the next try.
 */
import type { EdgeLogResponse, EdgeRecord, FeedbackRequest, FeedbackResponse } from '../../core/api/evaluation';
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

  constructor(private readonly deps: UploaderDeps) {}

  /** Sends everything waiting; one run at a time (a second call joins the first). */
  send(): Promise<UploadResult> {
    this.sending ??= this.sendAll().finally(() => (this.sending = undefined));
    return this.sending;
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
    if (pending.length > 0) {
      try {
        await this.deps.sendFeedback(pending.map((item) => ({ key: item.key, label: item.label, time: new Date(item.at).toISOString() })));
        await feedback.markSent(pending);
        labels += pending.length;
      } catch (error) {
        await feedback.recordFailure(pending, errorText(error));
        if (givesUp(error)) await feedback.markSent(pending);
        return { labels, records, error: errorText(error) };
      }
    }
    return { labels, records };
  }
}
