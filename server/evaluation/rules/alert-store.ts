/**
 * The audit trail of firings (table `alerts`). The cooldown is read from it
 * inside the transaction that writes the firing, under an advisory lock, so
 * it holds across restarts and across replicas evaluating the same rules at
 * the same moment: one of them writes the record, the others see it. Each
 * firing is also an `alert` entry of the audit log, written in the same
 * transaction.
 */
import { MAX_ALERTS, type AlertAction, type AlertRecord } from '../../../src/core/api/alerts';
import type { Database, Queryable } from '../../db/database';
import { insertAuditEntry } from '../audit/audit-store';

/** Writers of alerts take this transaction lock (ingest uses 7_140_001). */
export const ALERTS_LOCK = 7_140_002;

export interface NewFiring {
  readonly time: Date;
  readonly rule: string;
  readonly model: string;
  readonly version: string;
  readonly window: { readonly start: string; readonly end: string };
  readonly value: number;
  readonly threshold: number;
  readonly evidence: Record<string, unknown>;
  readonly action: AlertAction;
}

interface AlertRow {
  id: number;
  time: Date;
  rule: string;
  model: string;
  version: string;
  window_start: Date;
  window_end: Date;
  value: number;
  threshold: number;
  evidence: Record<string, unknown>;
  action: AlertAction;
}

const COLUMNS = 'id, time, rule, model, version, window_start, window_end, value, threshold, evidence, action';

const toRecord = (row: AlertRow): AlertRecord => ({
  id: row.id,
  time: row.time.toISOString(),
  rule: row.rule,
  model: row.model,
  version: row.version,
  window: { start: row.window_start.toISOString(), end: row.window_end.toISOString() },
  value: row.value,
  threshold: row.threshold,
  evidence: row.evidence,
  action: row.action,
});

/**
 * Writes the firing unless the rule fired for the same model version less
 * than `cooldownS` before or after its time (a replay may go back in time);
 * returns the record, or undefined when the cooldown held it back. A rule
 * whose action is retrain acts on the model, not on one version: its
 * cooldown holds for every version of the same source, so the version a
 * retraining wrote does not start the next one at once, while a firing on a
 * batch job's window (which never retrains) holds back no live one.
 */
export function recordFiring(db: Database, firing: NewFiring, cooldownS: number): Promise<AlertRecord | undefined> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [ALERTS_LOCK]);
    const time = firing.time.toISOString();
    if (cooldownS > 0) {
      const recent = await tx.query(
        `SELECT 1 FROM alerts
         WHERE rule = $1 AND model = $2 AND ($3::text IS NULL OR version = $3) AND ($6::text IS NULL OR evidence->>'source' = $6)
           AND time > $4::timestamptz - make_interval(secs => $5) AND time < $4::timestamptz + make_interval(secs => $5)
         LIMIT 1`,
        firing.action === 'retrain'
          ? [firing.rule, firing.model, null, time, cooldownS, String(firing.evidence['source'])]
          : [firing.rule, firing.model, firing.version, time, cooldownS, null],
      );
      if (recent.length > 0) return undefined;
    }
    const [row] = await tx.query<AlertRow>(
      `INSERT INTO alerts (time, rule, model, version, window_start, window_end, value, threshold, evidence, action)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10)
       RETURNING ${COLUMNS}`,
      [
        time,
        firing.rule,
        firing.model,
        firing.version,
        firing.window.start,
        firing.window.end,
        firing.value,
        firing.threshold,
        JSON.stringify(firing.evidence),
        firing.action,
      ],
    );
    if (!row) throw new Error('INSERT INTO alerts returned no row');
    const record = toRecord(row);
    const { rule, window, value, threshold, action } = record;
    await insertAuditEntry(tx, {
      kind: 'alert',
      model: record.model,
      version: record.version,
      time: row.time,
      details: { alert_id: record.id, rule, window, value, threshold, action },
    });
    return record;
  });
}

/** Firings newest first, at most MAX_ALERTS. */
export async function listAlerts(db: Queryable, filter: { since?: Date | undefined; model?: string | undefined }): Promise<AlertRecord[]> {
  const rows = await db.query<AlertRow>(
    `SELECT ${COLUMNS} FROM alerts
     WHERE ($1::timestamptz IS NULL OR time >= $1) AND ($2::text IS NULL OR model = $2)
     ORDER BY time DESC, id DESC
     LIMIT ${MAX_ALERTS}`,
    [filter.since?.toISOString() ?? null, filter.model ?? null],
  );
  return rows.map(toRecord);
}
