/** Settings of continued evaluation, read by server/config.ts. */
import type { DatabaseSettings } from '../db/database';
import type { PredictionLogSettings } from './log/prediction-log';

export interface EvaluationSettings {
  /** Off: no store, no prediction log, and the evaluation routes answer 503 EVALUATION_DISABLED. */
  readonly enabled: boolean;
  readonly store: DatabaseSettings;
  readonly log: PredictionLogSettings;
  /** The share of edge predictions the PWA sends (GET /v1/app-config announces it). */
  readonly edgeLogSampleRate: number;
  /** A window's accuracy is null below this many labelled predictions. */
  readonly minLabels: number;
  /** Feedback and edge logs per client (IP) and minute. */
  readonly rateLimitPerMinute: number;
  /** Alert rules file (JSON); unset: the documented defaults. */
  readonly rulesFile: string | undefined;
  readonly intervalSeconds: number;
  readonly alertWebhookUrl: string | undefined;
}
