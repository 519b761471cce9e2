/**
 * Drift per column over the windows: the heat strip (a row per column, a cell
 * per window), its key, and the latest window's verdict in words with each
 * drifted column's test and figure.
 */
import { useMemo } from 'react';
import type { Windows } from '../api';
import { driftChart } from '../charts/drift-options';
import { UPlotChart } from '../charts/UPlotChart';
import { percent } from '../format';
import type { Loaded } from '../hooks/use-load';
import { usePalette } from '../hooks/use-palette';
import type { Span } from '../range';
import type { Selection } from '../selection';
import { CardStatus } from './CardStatus';

interface Props {
  readonly selection: Selection;
  readonly span: Span;
  readonly windows: Loaded<Windows | undefined>;
}

const TESTS = { ks: 'K-S', chi_squared: 'chi²', wasserstein: 'Wasserstein', jensen_shannon: 'Jensen-Shannon' } as const;

export function DriftCard({ selection, span, windows }: Props) {
  const palette = usePalette();
  const list = useMemo(() => windows.data?.windows ?? [], [windows.data]);
  const chart = useMemo(() => driftChart(list, span, palette), [list, span, palette]);
  const latest = [...list].reverse().find((w) => w.drift !== null);
  const drifted = latest?.drift?.features.filter((f) => f.drifted) ?? [];
  return (
    <section className="card" aria-labelledby="ops-drift-title">
      <h2 id="ops-drift-title">Drift per column</h2>
      <CardStatus loaded={windows} />
      {chart.rows > 0 ? (
        <>
          <UPlotChart
            options={chart.options}
            data={chart.data}
            height={44 + chart.rows * 20}
            testId="ops-drift"
            label={`Drift of ${chart.rows} columns of ${selection.model} per window of ${selection.window} against the reference: the darker, the closer to drifting.`}
          />
          <ul className="legend" aria-label="Heat strip key">
            <li>
              <span className="swatch swatch-drift-none" aria-hidden="true" /> far from drifting
            </li>
            <li>
              <span className="swatch swatch-drift-near" aria-hidden="true" /> at the threshold
            </li>
            <li>
              <span className="swatch swatch-drift-drifted" aria-hidden="true" /> drifted
            </li>
          </ul>
        </>
      ) : (
        !windows.loading && (
          <p className="muted" data-testid="ops-drift">
            No drift figures in this range (drift needs predictions and the model&apos;s reference statistics).
          </p>
        )
      )}
      {latest?.drift && (
        <p data-testid="ops-drift-latest" data-dataset-drift={String(latest.drift.dataset_drift)}>
          Latest window: {latest.drift.dataset_drift ? 'the dataset drifted' : 'no dataset drift'} ({percent(latest.drift.drifted_share, 0)} of the columns
          drifted
          {drifted.length > 0 &&
            `: ${drifted.map((f) => `${f.name} (${TESTS[f.test]} ${f.p_value === null ? f.statistic.toFixed(3) : `p = ${f.p_value.toPrecision(2)}`})`).join(', ')}`}
          ).
        </p>
      )}
    </section>
  );
}
