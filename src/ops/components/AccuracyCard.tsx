/**
 * Accuracy over time for the selection: the latest window's figures, the
 * chart (accuracy with its 95% interval, estimated accuracy, labelled counts)
 * and the windows as a table, which is also what a test or a screen reader
 * reads, since the chart is a canvas.
 */
import { useMemo } from 'react';
import type { MonitoringWindow, Windows } from '../api';
import { accuracyChart } from '../charts/accuracy-options';
import { UPlotChart } from '../charts/UPlotChart';
import { count, fullTime, percent, plural } from '../format';
import type { Loaded } from '../hooks/use-load';
import { usePalette } from '../hooks/use-palette';
import type { Span } from '../range';
import type { Selection } from '../selection';
import { CardStatus } from './CardStatus';
import { WindowsTable } from './WindowsTable';

interface Props {
  readonly selection: Selection;
  readonly span: Span;
  readonly now: number;
  readonly windows: Loaded<Windows | undefined>;
}

function Latest({ window: w }: { readonly window: MonitoringWindow }) {
  return (
    <dl className="figures" data-testid="ops-latest">
      <div>
        <dt>Accuracy</dt>
        <dd>
          {percent(w.accuracy?.value)}
          {w.accuracy && (
            <small className="interval">
              95%: {percent(w.accuracy.low)}–{percent(w.accuracy.high)}
            </small>
          )}
        </dd>
      </div>
      <div>
        <dt>Estimated accuracy</dt>
        <dd>{percent(w.estimated_accuracy)}</dd>
      </div>
      <div>
        <dt>Labelled</dt>
        <dd>
          {count(w.labelled)} of {count(w.predictions)}
        </dd>
      </div>
      <div>
        <dt>Rejection rate</dt>
        <dd data-testid="ops-rejection-rate">{percent(w.rejection_rate)}</dd>
      </div>
    </dl>
  );
}

export function AccuracyCard({ selection, span, now, windows }: Props) {
  const palette = usePalette();
  const list = useMemo(() => windows.data?.windows ?? [], [windows.data]);
  const chart = useMemo(() => accuracyChart(list, span, palette), [list, span, palette]);
  const latest = list.at(-1);
  const total = list.reduce((t, w) => ({ predictions: t.predictions + w.predictions, labelled: t.labelled + w.labelled }), { predictions: 0, labelled: 0 });
  return (
    <section className="card wide" aria-labelledby="ops-accuracy-title">
      <h2 id="ops-accuracy-title">
        Accuracy of {selection.model} v{selection.version} <span className="muted">({selection.source})</span>
      </h2>
      <CardStatus loaded={windows} />
      {latest && (
        <>
          <h3>
            Latest window <span className="muted">({fullTime(latest.start)})</span>
          </h3>
          <Latest window={latest} />
        </>
      )}
      <p className="muted">
        {plural(total.predictions, 'prediction')}, {count(total.labelled)} labelled, in {plural(list.length, 'window')} of the range.
      </p>
      <UPlotChart
        options={chart.options}
        data={chart.data}
        height={240}
        testId="ops-accuracy-chart"
        label={`Accuracy per window of ${selection.window}, with its 95% interval, the estimated accuracy and the labelled count; the table below holds the figures.`}
      />
      <ul className="legend" aria-label="Chart legend">
        <li>
          <span className="swatch swatch-accuracy" aria-hidden="true" /> accuracy
        </li>
        <li>
          <span className="swatch swatch-band" aria-hidden="true" /> 95% interval
        </li>
        <li>
          <span className="swatch swatch-estimate" aria-hidden="true" /> estimated accuracy
        </li>
        <li>
          <span className="swatch swatch-labelled" aria-hidden="true" /> labelled (right axis)
        </li>
      </ul>
      <WindowsTable windows={list} withDate={selection.range !== '1h' && selection.range !== '6h'} now={now} />
    </section>
  );
}
