/**
 * Writes logged predictions: the rows, idempotently on (key, model, version,
 * source), and in the same transaction their share of the window profiles,
 * joined with any label that arrived before them.
 */
import type { Database } from '../../db/database';
import type { ProfileLayout } from '../layout';
import type { PredictionRow } from '../log/records';
import { ProfileDeltas } from './profile-deltas';

/** Ingest of predictions and of labels take this transaction lock, so a label and its prediction never miss each other. */
export const EVALUATION_LOCK = 7_140_001;

export type LayoutOf = (model: string, version: string) => ProfileLayout | undefined;

const base64 = (bytes: Uint8Array | undefined) => (bytes ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') : null);
const arrayLiteral = (values: ArrayLike<number>) => `{${Array.prototype.join.call(values, ',')}}`;

export function confidenceOf(probabilities: ArrayLike<number>): number {
  let best = 0;
  for (let i = 0; i < probabilities.length; i++) best = Math.max(best, probabilities[i] as number);
  return best;
}

/** Inserts the rows; returns how many were new and how many were already logged. */
export async function insertPredictions(db: Database, rows: readonly PredictionRow[], layoutOf: LayoutOf): Promise<{ inserted: number; duplicates: number }> {
  if (rows.length === 0) return { inserted: 0, duplicates: 0 };
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [EVALUATION_LOCK]);
    const column = <T>(pick: (r: PredictionRow) => T) => rows.map(pick);
    const identity = (r: { key: string; model: string; version: string; source: string }) => `${r.model}\n${r.version}\n${r.source}\n${r.key}`;
    const inserted = await tx.query<{ key: string; model: string; version: string; source: string }>(
      `INSERT INTO predictions (key, model, version, source, signature, time, label, confidence, probabilities, input,
         request_id, latency_ms, gate_fired, answered_by)
       SELECT k, m, v, s, sg, t, l, c, p::real[], decode(i, 'base64'), r, lt, g, a
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[], $8::float8[],
                   $9::text[], $10::text[], $11::text[], $12::float8[], $13::bool[], $14::text[])
         AS u(k, m, v, s, sg, t, l, c, p, i, r, lt, g, a)
       ON CONFLICT (key, model, version, source) DO NOTHING
       RETURNING key, model, version, source`,
      [
        column((r) => r.key),
        column((r) => r.model),
        column((r) => r.version),
        column((r) => r.source),
        column((r) => r.signature),
        column((r) => new Date(r.time).toISOString()),
        column((r) => layoutOf(r.model, r.version)?.labels[r.labelIndex] ?? String(r.labelIndex)),
        column((r) => confidenceOf(r.probabilities)),
        column((r) => arrayLiteral(r.probabilities)),
        column((r) => base64(r.input)),
        column((r) => r.requestId ?? null),
        column((r) => r.latencyMs ?? null),
        column((r) => r.gateFired ?? null),
        column((r) => r.answeredBy ?? null),
      ],
    );
    if (inserted.length === 0) return { inserted: 0, duplicates: rows.length };
    const byIdentity = new Map<string, PredictionRow>();
    for (const row of rows) if (!byIdentity.has(identity(row))) byIdentity.set(identity(row), row);
    const fresh = inserted.map((r) => byIdentity.get(identity(r)) as PredictionRow);
    const labels = await tx.query<{ key: string; label: string }>('SELECT key, label FROM labels WHERE key = ANY($1::text[])', [
      [...new Set(fresh.map((r) => r.key))],
    ]);
    const labelOf = new Map(labels.map((l) => [l.key, l.label]));
    const deltas = new ProfileDeltas();
    for (const row of fresh) {
      const layout = layoutOf(row.model, row.version);
      if (!layout) continue;
      const confidence = confidenceOf(row.probabilities);
      deltas.addPrediction(layout, { ...row, confidence }, labelOf.get(row.key));
    }
    await deltas.write(tx);
    return { inserted: fresh.length, duplicates: rows.length - fresh.length };
  });
}
