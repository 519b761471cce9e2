/**
 * Where imported labels go: straight into the store (what the feedback route
 * itself calls, so the window profiles follow), or to a running server's
 * POST /v1/feedback when the store is not reachable from here or PGlite's
 * directory is held by that server. Either resolves only once committed.
 */
import { FeedbackResponse, MAX_FEEDBACK_LABELS } from '../../../src/core/api/evaluation';
import type { DatabaseSettings } from '../../db/database';
import { openDatabase } from '../../db/open';
import { insertLabels } from '../ingest/labels';
import type { ModelLayouts } from '../layouts';
import { requestJson, type HttpOptions } from './http';
import type { LabelInput } from './label-rows';

export interface Committed {
  readonly accepted: number;
  readonly pending: number;
}

export interface LabelSink {
  /** Labels per commit at most. */
  readonly maxBatch: number;
  commit(labels: readonly LabelInput[]): Promise<Committed>;
  close(): Promise<void>;
}

export async function storeSink(settings: DatabaseSettings, layouts: ModelLayouts): Promise<LabelSink> {
  const db = await openDatabase(settings);
  return {
    maxBatch: Number.MAX_SAFE_INTEGER,
    commit: (labels) => {
      // As the route does: a label without a time is true as of its arrival.
      const now = Date.now();
      const records = labels.map((l) => ({ key: l.key, label: l.label, time: l.time === undefined ? now : Date.parse(l.time) }));
      return insertLabels(db, records, layouts.of);
    },
    close: () => db.close(),
  };
}

export function serverSink(server: string, options: HttpOptions): LabelSink {
  const url = `${server}/v1/feedback`;
  return {
    maxBatch: MAX_FEEDBACK_LABELS,
    commit: async (labels) => FeedbackResponse.parse(await requestJson(url, { method: 'POST', body: { labels } }, options)),
    close: async () => {},
  };
}
