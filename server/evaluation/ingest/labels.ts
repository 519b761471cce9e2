/**
 * Writes ground truth: each key's current label (a later one replaces it),
 * every label in the history, and in the same transaction the change to the
 * window profiles of every logged prediction of that key. A key seen in no
 * log yet stays pending: its prediction joins it when it arrives.
 */
import type { Database } from '../../db/database';
import { EVALUATION_LOCK, type LayoutOf } from './predictions';
import { ProfileDeltas } from './profile-deltas';

export interface LabelRecord {
  readonly key: string;
  readonly label: string;
  /** Epoch milliseconds the label is true as of (defaults to when it arrived). */
  readonly time: number;
}

/** Commits the labels; resolves only once they are committed. */
export async function insertLabels(db: Database, records: readonly LabelRecord[], layoutOf: LayoutOf): Promise<{ accepted: number; pending: number }> {
  if (records.length === 0) return { accepted: 0, pending: 0 };
  // Within one call the last label of a key wins, as a later call's would.
  const latest = new Map<string, LabelRecord>();
  for (const record of records) latest.set(record.key, record);
  const keys = [...latest.keys()];
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [EVALUATION_LOCK]);
    const before = await tx.query<{ key: string; label: string }>('SELECT key, label FROM labels WHERE key = ANY($1::text[])', [keys]);
    const previous = new Map(before.map((r) => [r.key, r.label]));
    await tx.query(`INSERT INTO label_history (key, label, time) SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[])`, [
      records.map((r) => r.key),
      records.map((r) => r.label),
      records.map((r) => new Date(r.time).toISOString()),
    ]);
    const current = [...latest.values()];
    await tx.query(
      `INSERT INTO labels (key, label, time) SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[])
       ON CONFLICT (key) DO UPDATE SET label = excluded.label, time = excluded.time, received_at = now()`,
      [current.map((r) => r.key), current.map((r) => r.label), current.map((r) => new Date(r.time).toISOString())],
    );
    const logged = await tx.query<{ key: string; model: string; version: string; source: string; time: Date; label: string }>(
      'SELECT key, model, version, source, time, label FROM predictions WHERE key = ANY($1::text[])',
      [keys],
    );
    const deltas = new ProfileDeltas();
    const seen = new Set<string>();
    for (const p of logged) {
      seen.add(p.key);
      const layout = layoutOf(p.model, p.version);
      const labelIndex = layout?.labelIndex.get(p.label);
      if (!layout || labelIndex === undefined) continue;
      const prediction = { model: p.model, version: p.version, source: p.source, time: p.time.getTime(), labelIndex };
      const old = previous.get(p.key);
      const next = (latest.get(p.key) as LabelRecord).label;
      if (old === next) continue;
      if (old !== undefined) deltas.changeLabel(layout, prediction, old, -1);
      deltas.changeLabel(layout, prediction, next, 1);
    }
    await deltas.write(tx);
    return { accepted: records.length, pending: keys.filter((k) => !seen.has(k)).length };
  });
}
