/**
 * The two phases on the same keys over the range: how often the edge model
 * escalated to the cloud, how often the cloud revised its answer, and the
 * accuracy of each phase and of what the user was shown; then both rates
 * window by window, as a chart and as a table (which a test or a screen
 * reader reads, since the chart is a canvas).
 */
import { useMemo } from 'react';
import type { Cascade, WindowName } from '../api';
import { cascadeChart } from '../charts/cascade-options';
import { UPlotChart } from '../charts/UPlotChart';
import { count, fullTime, percent } from '../format';
import { useLoad } from '../hooks/use-load';
import { usePalette } from '../hooks/use-palette';
import type { RangeId, Span } from '../range';
import { CardStatus } from './CardStatus';

/** Windows the table shows at most (the chart shows them all). */
const TABLE_ROWS = 12;

interface Props {
  readonly range: RangeId;
  readonly window: WindowName;
  readonly span: Span;
  readonly tick: number;
}

function RatesTable({ series }: { readonly series: NonNullable<Cascade['series']> }) {
  return (
    <table className="windows" data-testid="ops-cascade-windows">
      <caption>Rates per window, newest first{series.length > TABLE_ROWS ? ` (the ${TABLE_ROWS} newest of ${series.length})` : ''}</caption>
      <thead>
        <tr>
          <th scope="col">Window</th>
          <th scope="col">Edge answers</th>
          <th scope="col">Escalation rate</th>
          <th scope="col">Answered by both</th>
          <th scope="col">Revision rate</th>
        </tr>
      </thead>
      <tbody>
        {[...series]
          .reverse()
          .slice(0, TABLE_ROWS)
          .map((p) => (
            <tr
              key={p.start}
              data-testid="ops-cascade-row"
              data-start={p.start}
              data-edge-predictions={p.edge_predictions}
              data-escalated={p.escalated_share ?? ''}
              data-both={p.both}
              data-revised={p.revised_share ?? ''}
            >
              <td>{fullTime(p.start)}</td>
              <td>{count(p.edge_predictions)}</td>
              <td>{percent(p.escalated_share)}</td>
              <td>{count(p.both)}</td>
              <td>{percent(p.revised_share)}</td>
            </tr>
          ))}
      </tbody>
    </table>
  );
}

export function CascadeCard({ range, window, span, tick }: Props) {
  const loaded = useLoad<Cascade>((api) => api.cascade({ ...span, window }), `${range}/${window}`, tick);
  const c = loaded.data;
  const palette = usePalette();
  const series = useMemo(() => c?.series ?? [], [c]);
  const chart = useMemo(() => cascadeChart(series, span, palette), [series, span, palette]);
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
          <UPlotChart
            options={chart.options}
            data={chart.data}
            height={180}
            testId="ops-cascade-chart"
            label={`Escalation and revision rates per window of ${window}; the table below holds the figures.`}
          />
          <ul className="legend" aria-label="Chart legend">
            <li>
              <span className="swatch swatch-accuracy" aria-hidden="true" /> escalation rate
            </li>
            <li>
              <span className="swatch swatch-estimate" aria-hidden="true" /> revision rate
            </li>
          </ul>
          {series.length > 0 && <RatesTable series={series} />}
        </>
      )}
    </section>
  );
}
