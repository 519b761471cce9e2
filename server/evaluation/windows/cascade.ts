/**
 * The two-phase view: the edge model's answers joined by key with the cloud
 * model's answers to the same inputs, and with their labels. How often the
 * edge escalated, how often the cloud changed the edge's answer, and each
 * phase's accuracy on the same labelled keys. No monitoring product joins the
 * two phases of a cascade; here the key does.
 */
import type { Queryable } from '../../db/database';

export interface CascadeQuery {
  readonly edgeModel: string;
  readonly cloudModel: string;
  readonly from: Date;
  readonly to: Date;
  /** Milliseconds: also the escalation and revision rates window by window (windows start at `from`). */
  readonly windowMs?: number | undefined;
}

/** One window of the cascade: where its edge answers fall, by their time. */
export interface CascadePoint {
  readonly start: string;
  readonly edge_predictions: number;
  readonly escalated_share: number | null;
  readonly both: number;
  readonly revised_share: number | null;
}

export interface CascadeView {
  readonly edge_model: string;
  readonly cloud_model: string;
  /** Edge answers logged in the range. */
  readonly edge_predictions: number;
  /** Share of them whose gate fired (sent to the cloud). */
  readonly escalated_share: number | null;
  /** Keys answered by both phases. */
  readonly both: number;
  /** Share of those where the cloud's label differs from the edge's. */
  readonly revised_share: number | null;
  /** Keys answered by both phases and labelled: each phase's accuracy on them. */
  readonly labelled_both: number;
  readonly edge_accuracy: number | null;
  readonly cloud_accuracy: number | null;
  /** Accuracy of what the user was finally shown (the cloud's answer when the gate fired, else the edge's). */
  readonly cascade_accuracy: number | null;
  /** With a window: the windows that hold edge answers, oldest first. */
  readonly series?: CascadePoint[];
}

const share = (part: number, whole: number) => (whole > 0 ? part / whole : null);

/** Escalations and revisions per window of the edge answers' time, as the whole range counts them. */
async function cascadeSeries(db: Queryable, q: CascadeQuery, windowMs: number): Promise<CascadePoint[]> {
  const rows = await db.query<{ start: Date; edge_predictions: number; escalated: number; gated: number; both_count: number; revised: number }>(
    `WITH edge AS (
       SELECT key, label, gate_fired, date_bin($5::interval, time, $3::timestamptz) AS start FROM predictions
       WHERE model = $1 AND source = 'edge' AND time >= $3 AND time < $4
     )
     SELECT e.start, count(*)::bigint AS edge_predictions,
       count(*) FILTER (WHERE e.gate_fired)::bigint AS escalated,
       count(*) FILTER (WHERE e.gate_fired IS NOT NULL)::bigint AS gated,
       count(c.label)::bigint AS both_count,
       count(*) FILTER (WHERE e.label <> c.label)::bigint AS revised
     FROM edge e
     LEFT JOIN LATERAL (SELECT label FROM predictions c WHERE c.key = e.key AND c.model = $2 AND c.source = 'cloud' LIMIT 1) c ON true
     GROUP BY e.start ORDER BY e.start`,
    [q.edgeModel, q.cloudModel, q.from.toISOString(), q.to.toISOString(), `${windowMs / 1000} seconds`],
  );
  return rows.map((r) => ({
    start: new Date(r.start).toISOString(),
    edge_predictions: Number(r.edge_predictions),
    escalated_share: share(Number(r.escalated), Number(r.gated)),
    both: Number(r.both_count),
    revised_share: share(Number(r.revised), Number(r.both_count)),
  }));
}

export async function cascade(db: Queryable, q: CascadeQuery): Promise<CascadeView> {
  const [row] = await db.query<Record<string, number>>(
    `WITH edge AS (
       SELECT key, label, gate_fired FROM predictions
       WHERE model = $1 AND source = 'edge' AND time >= $3 AND time < $4
     ), joined AS (
       SELECT e.key, e.label AS edge_label, e.gate_fired, c.label AS cloud_label, l.label AS truth
       FROM edge e
       JOIN LATERAL (SELECT label FROM predictions c WHERE c.key = e.key AND c.model = $2 AND c.source = 'cloud' LIMIT 1) c ON true
       LEFT JOIN labels l ON l.key = e.key
     )
     SELECT (SELECT count(*) FROM edge)::bigint AS edge_predictions,
       (SELECT count(*) FILTER (WHERE gate_fired) FROM edge)::bigint AS escalated,
       (SELECT count(*) FILTER (WHERE gate_fired IS NOT NULL) FROM edge)::bigint AS gated,
       count(*)::bigint AS both_count,
       count(*) FILTER (WHERE edge_label <> cloud_label)::bigint AS revised,
       count(truth)::bigint AS labelled,
       count(*) FILTER (WHERE truth = edge_label)::bigint AS edge_right,
       count(*) FILTER (WHERE truth = cloud_label)::bigint AS cloud_right,
       count(*) FILTER (WHERE truth = CASE WHEN gate_fired THEN cloud_label ELSE edge_label END)::bigint AS cascade_right
     FROM joined`,
    [q.edgeModel, q.cloudModel, q.from.toISOString(), q.to.toISOString()],
  );
  const n = (name: string) => row?.[name] ?? 0;
  const series = q.windowMs === undefined ? undefined : await cascadeSeries(db, q, q.windowMs);
  return {
    edge_model: q.edgeModel,
    cloud_model: q.cloudModel,
    edge_predictions: n('edge_predictions'),
    escalated_share: share(n('escalated'), n('gated')),
    both: n('both_count'),
    revised_share: share(n('revised'), n('both_count')),
    labelled_both: n('labelled'),
    edge_accuracy: share(n('edge_right'), n('labelled')),
    cloud_accuracy: share(n('cloud_right'), n('labelled')),
    cascade_accuracy: share(n('cascade_right'), n('labelled')),
    ...(series === undefined ? {} : { series }),
  };
}
