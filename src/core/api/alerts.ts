/**
 * Wire shapes of alerting: the audit records of rule firings, as
 * `GET /v1/monitoring/alerts` lists them and `POST /v1/monitoring/evaluate`
 * returns the new ones. Shared by the server and the operations dashboard.
 */
import { z } from 'zod';

/**
 * What a firing does besides being recorded: notify only, or also start a
 * retraining of the model (POST /v1/models/{m}/retrain's run, unless one runs
 * already; the rule's cooldown spaces them).
 */
export const ALERT_ACTIONS = ['notify', 'retrain'] as const;
export type AlertAction = (typeof ALERT_ACTIONS)[number];

/** Records per answer at most: the newest ones. */
export const MAX_ALERTS = 1000;

const IsoTime = z.iso.datetime({ offset: true }).describe('ISO 8601 time with a zone, e.g. 2026-11-29T12:00:00Z');

export const AlertsQuery = z
  .object({
    since: IsoTime.optional().describe('Only firings at or after this time; default: all (newest first, at most 1000).'),
    model: z.string().min(1).max(256).optional(),
  })
  .strict();

export const AlertRecord = z
  .object({
    id: z.number().int(),
    time: z.string().describe('When the rule fired (for a replayed range: the end of the window).'),
    rule: z.string().describe('The name of the rule in the rules file.'),
    model: z.string(),
    version: z.string(),
    window: z.object({ start: z.string(), end: z.string() }).describe('The window whose figures fired the rule.'),
    value: z.number().describe("The window's figure the rule compares: e.g. the Wilson upper bound of accuracy, the estimated drop, the drifted share."),
    threshold: z.number(),
    evidence: z.record(z.string(), z.unknown()).describe("The window's figures that made the rule fire (samples, intervals, drifted columns with p-values)."),
    action: z.enum(ALERT_ACTIONS),
  })
  .meta({ id: 'AlertRecord' });
export type AlertRecord = z.infer<typeof AlertRecord>;

export const AlertsResponse = z.object({ alerts: z.array(AlertRecord).describe('Newest first.') }).meta({ id: 'AlertsResponse' });
export type AlertsResponse = z.infer<typeof AlertsResponse>;

export const EvaluateResponse = z
  .object({ fired: z.array(AlertRecord).describe('The firings of this evaluation (rules in their cooldown do not fire again).') })
  .meta({ id: 'EvaluateRulesResponse' });
export type EvaluateResponse = z.infer<typeof EvaluateResponse>;
