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
  const share = (part: number, whole: number) => (whole > 0 ? part / whole : null);
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
  };
}
