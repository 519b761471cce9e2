/**
 * The two phases on the same keys over the range: how often the edge model
 * escalated to the cloud, how often the cloud revised its answer, and the
 * accuracy of each phase and of what the user was shown.
 */
import type { Cascade } from '../api';
import { count, percent } from '../format';
import { useLoad } from '../hooks/use-load';
import type { RangeId, Span } from '../range';
import { CardStatus } from './CardStatus';

interface Props {
  readonly range: RangeId;
  readonly span: Span;
  readonly tick: number;
}

export function CascadeCard({ range, span, tick }: Props) {
  const loaded = useLoad<Cascade>((api) => api.cascade(span), range, tick);
  const c = loaded.data;
  return (
    <section className="card" aria-labelledby="ops-cascade-title">
      <h2 id="ops-cascade-title">Cascade</h2>
      <CardStatus loaded={loaded} />
      {c && (
        <>
          <p className="muted">
            {c.edge_model} on the device, {c.cloud_model} in the cloud.
          </p>
          <dl className="figures" data-testid="ops-cascade">
            <div>
              <dt>Escalation rate</dt>
              <dd data-testid="ops-escalation-rate">{percent(c.escalated_share)}</dd>
              <dd className="muted">of {count(c.edge_predictions)} edge answers</dd>
            </div>
            <div>
              <dt>Revision rate</dt>
              <dd data-testid="ops-revision-rate">{percent(c.revised_share)}</dd>
              <dd className="muted">of {count(c.both)} answered by both</dd>
            </div>
            <div>
              <dt>Edge accuracy</dt>
              <dd>{percent(c.edge_accuracy)}</dd>
            </div>
            <div>
              <dt>Cloud accuracy</dt>
              <dd>{percent(c.cloud_accuracy)}</dd>
            </div>
            <div>
              <dt>Shown to the user</dt>
              <dd>{percent(c.cascade_accuracy)}</dd>
              <dd className="muted">on {count(c.labelled_both)} labelled keys</dd>
            </div>
          </dl>
        </>
      )}
    </section>
  );
}
