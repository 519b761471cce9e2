/**
 * The alert log of the selected model since the range's start, newest first:
 * when each rule fired, for which version and window, its figure against the
 * threshold, its action, and the evidence the server kept.
 */
import type { Alerts } from '../api';
import { fullTime, windowTime } from '../format';
import { useLoad } from '../hooks/use-load';
import type { Span } from '../range';
import type { Selection } from '../selection';
import { CardStatus } from './CardStatus';

interface Props {
  readonly selection: Selection;
  readonly span: Span;
  readonly tick: number;
}

const figure = (value: number) => (Number.isInteger(value) ? String(value) : value.toPrecision(3));

export function AlertsCard({ selection, span, tick }: Props) {
  const loaded = useLoad<Alerts>((api) => api.alerts({ since: span.from, model: selection.model }), `${selection.model}/${selection.range}`, tick);
  const alerts = loaded.data?.alerts ?? [];
  return (
    <section className="card" aria-labelledby="ops-alerts-title">
      <h2 id="ops-alerts-title">Alerts of {selection.model}</h2>
      <CardStatus loaded={loaded} />
      {loaded.data && alerts.length === 0 && <p className="muted">No rule fired in this range.</p>}
      <ol className="alerts" data-testid="ops-alerts" aria-label="Alert log, newest first">
        {alerts.map((a) => (
          <li key={a.id} data-testid="ops-alert" data-rule={a.rule} data-version={a.version} data-value={a.value} data-threshold={a.threshold}>
            <p className="alert-head">
              <strong>{a.rule}</strong> <span className="badge">{a.action}</span>
            </p>
            <p>
              <time dateTime={a.time}>{fullTime(a.time)}</time>: version {a.version}, window {windowTime(a.window.start, true)}–
              {windowTime(a.window.end, false)}; value {figure(a.value)} against {figure(a.threshold)}.
            </p>
            <details>
              <summary>Evidence</summary>
              <pre>{JSON.stringify(a.evidence, null, 2)}</pre>
            </details>
          </li>
        ))}
      </ol>
    </section>
  );
}
