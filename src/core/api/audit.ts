/**
 * Wire shapes of the audit log: what happened to each model (alerts,
 * retraining, evaluations, promotions, rejections, rollbacks, deployment
 * changes), as `GET /v1/monitoring/audit` lists it. Shared by the server and
 * the operations dashboard.
 */
import { z } from 'zod';

/** What an entry records. The store's CHECK constraint (migration 003_audit.sql) holds the same list. */
export const AUDIT_KINDS = ['alert', 'retrain_started', 'retrain_finished', 'evaluation', 'promoted', 'rejected', 'rollback', 'deployment_changed'] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

/** Entries per answer at most: the newest ones. */
export const MAX_AUDIT_ENTRIES = 1000;

const IsoTime = z.iso.datetime({ offset: true }).describe('ISO 8601 time with a zone, e.g. 2026-11-29T12:00:00Z');

export const AuditQuery = z
  .object({
    since: IsoTime.optional().describe('Only entries at or after this time; default: all (newest first, at most 1000).'),
    model: z.string().min(1).max(256).optional(),
  })
  .strict();

export const AuditEntry = z
  .object({
    id: z.number().int(),
    time: z.string().describe('When it happened (for an alert: when the rule fired).'),
    kind: z.enum(AUDIT_KINDS),
    model: z.string(),
    version: z.string().nullable().describe('The model version the entry is about; null when there is none (a retraining just started).'),
    details: z
      .record(z.string(), z.unknown())
      .describe("What the change was: for an alert the rule, window, value, threshold, action and the alert's id; for the others what their writer records."),
  })
  .meta({ id: 'AuditEntry' });
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditResponse = z.object({ entries: z.array(AuditEntry).describe('Newest first.') }).meta({ id: 'AuditResponse' });
export type AuditResponse = z.infer<typeof AuditResponse>;
