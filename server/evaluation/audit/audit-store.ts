/**
 * The audit log (table `audit_log`): one entry per thing that happened to a
 * model, written by whoever made it happen. `record` takes the transaction
 * of the change when there is one, so the change and its entry commit
 * together; an entry is returned only once it is written.
 */
import { AUDIT_KINDS, MAX_AUDIT_ENTRIES, type AuditEntry, type AuditKind } from '../../../src/core/api/audit';
import type { Database, Queryable } from '../../db/database';

export interface NewAuditEntry {
  readonly kind: AuditKind;
  readonly model: string;
  /** The model version concerned; omitted or null when there is none. */
  readonly version?: string | null | undefined;
  /** A JSON object: what changed, from what, why. */
  readonly details?: Readonly<Record<string, unknown>> | undefined;
  /** When it happened; default: the store's clock (the transaction's start). */
  readonly time?: Date | undefined;
}

interface AuditRow {
  id: number;
  time: Date;
  kind: AuditKind;
  model: string;
  version: string | null;
  details: Record<string, unknown>;
}

const COLUMNS = 'id, time, kind, model, version, details';

const toEntry = (row: AuditRow): AuditEntry => ({
  id: row.id,
  time: row.time.toISOString(),
  kind: row.kind,
  model: row.model,
  version: row.version,
  details: row.details,
});

function check(entry: NewAuditEntry): void {
  if (!(AUDIT_KINDS as readonly string[]).includes(entry.kind)) throw new RangeError(`audit: unknown kind ${JSON.stringify(entry.kind)}`);
  if (typeof entry.model !== 'string' || entry.model.length === 0) throw new RangeError('audit: model must be a non-empty string');
  const { details } = entry;
  if (details !== undefined && (details === null || typeof details !== 'object' || Array.isArray(details)))
    throw new RangeError('audit: details must be a JSON object');
  if (entry.time !== undefined && Number.isNaN(entry.time.getTime())) throw new RangeError('audit: time is not a valid date');
}

/** Writes one entry with `q` (the database, or the transaction of the change it records). */
export async function insertAuditEntry(q: Queryable, entry: NewAuditEntry): Promise<AuditEntry> {
  check(entry);
  const [row] = await q.query<AuditRow>(
    `INSERT INTO audit_log (time, kind, model, version, details)
     VALUES (coalesce($1::timestamptz, now()), $2, $3, $4, $5::jsonb)
     RETURNING ${COLUMNS}`,
    [entry.time?.toISOString() ?? null, entry.kind, entry.model, entry.version ?? null, JSON.stringify(entry.details ?? {})],
  );
  if (!row) throw new Error('INSERT INTO audit_log returned no row');
  return toEntry(row);
}

export class AuditLog {
  constructor(private readonly db: Database) {}

  /**
   * Writes an entry and returns it as listed. Pass `tx` to write it in the
   * transaction of the change it records (committed or rolled back with it).
   */
  record(entry: NewAuditEntry, tx?: Queryable): Promise<AuditEntry> {
    return insertAuditEntry(tx ?? this.db, entry);
  }

  /** Entries at or after `time` (all when undefined), of `model` when given; newest first, at most `limit` (MAX_AUDIT_ENTRIES). */
  async since(time: Date | undefined, model?: string, limit: number = MAX_AUDIT_ENTRIES): Promise<AuditEntry[]> {
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_AUDIT_ENTRIES)
      throw new RangeError(`audit: limit must be 1 to ${MAX_AUDIT_ENTRIES}, got ${limit}`);
    const rows = await this.db.query<AuditRow>(
      `SELECT ${COLUMNS} FROM audit_log
       WHERE ($1::timestamptz IS NULL OR time >= $1) AND ($2::text IS NULL OR model = $2)
       ORDER BY time DESC, id DESC
       LIMIT $3`,
      [time?.toISOString() ?? null, model ?? null, limit],
    );
    return rows.map(toEntry);
  }
}
