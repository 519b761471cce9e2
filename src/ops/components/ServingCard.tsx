/**
 * Latency and throughput from `/metrics`, per model and version: prediction
 * requests and rows per second between two readings, the p50 / p99 of a
 * prediction request as clients see it (per model), of the queue wait and of a
 * model run (per version), the mean batch size, the queue now and whether the
 * model serves.
 */
import { useEffect, useRef, useState } from 'react';
import { milliseconds, count, percent, perSecond } from '../format';
import { useLoad } from '../hooks/use-load';
import { parsePrometheus } from '../prometheus';
import { servingFigures, type MetricsReading, type ServingFigures } from '../serving-stats';
import { CardStatus } from './CardStatus';

/** A second reading this soon after the first, so rates show without waiting for a refresh. */
const SECOND_READING_MS = 2000;

export function ServingCard({ tick }: { readonly tick: number }) {
  const last = useRef<MetricsReading | undefined>(undefined);
  const [second, setSecond] = useState(false);
  const loaded = useLoad<ServingFigures>(
    async (api) => {
      const reading = { samples: parsePrometheus(await api.metrics()), at: Date.now() };
      const before = last.current;
      last.current = reading;
      return servingFigures(reading, before);
    },
    'metrics',
    `${tick}:${second}`,
  );
  const figures = loaded.data;
  const first = figures !== undefined && figures.intervalSeconds === null;
  useEffect(() => {
    if (!first) return;
    const timer = setTimeout(() => setSecond(true), SECOND_READING_MS);
    return () => clearTimeout(timer);
  }, [first]);
  return (
    <section className="card" aria-labelledby="ops-serving-title">
      <h2 id="ops-serving-title">Latency and throughput</h2>
      <CardStatus loaded={loaded} />
      {figures && (
        <p className="muted" data-testid="ops-serving-basis">
          {figures.intervalSeconds === null
            ? 'Rates need a second reading: they show in a moment.'
            : `Rates over the last ${Math.round(figures.intervalSeconds)} s.`}{' '}
          Latency percentiles {figures.quantilesOf === 'interval' ? 'of the same interval' : 'since the server started'}.
        </p>
      )}
      {figures?.models.map((m) => (
        <div key={m.model} className="serving-model" data-testid="ops-serving" data-model={m.model} data-requests-total={m.requestsTotal}>
          <h3>{m.model}</h3>
          <p>
            Prediction requests: {perSecond(m.requestsPerSecond)} ({count(m.requestsTotal)} since the server started)
            {m.unsuccessfulShare !== null && `, ${percent(m.unsuccessfulShare)} of them refused or failed`}
          </p>
          <dl className="figures" aria-label={`${m.model} prediction requests`}>
            <div>
              <dt>Request latency p50 / p99</dt>
              <dd data-testid="ops-request-latency">
                {milliseconds(m.requestSeconds.p50)} / {milliseconds(m.requestSeconds.p99)}
              </dd>
            </div>
          </dl>
          {m.versions.map((v) => (
            <dl key={v.version} className="figures" aria-label={`${m.model} version ${v.version}`} data-version={v.version}>
              <div>
                <dt>Version</dt>
                <dd>
                  {v.version} {v.available === false && <strong className="danger">restarting</strong>}
                </dd>
              </div>
              <div>
                <dt>Rows</dt>
                <dd>{perSecond(v.rowsPerSecond)}</dd>
              </div>
              <div>
                <dt>Queue wait p50 / p99</dt>
                <dd data-testid="ops-queue-latency">
                  {milliseconds(v.queueSeconds.p50)} / {milliseconds(v.queueSeconds.p99)}
                </dd>
              </div>
              <div>
                <dt>Model run p50 / p99</dt>
                <dd data-testid="ops-compute-latency">
                  {milliseconds(v.computeSeconds.p50)} / {milliseconds(v.computeSeconds.p99)}
                </dd>
              </div>
              <div>
                <dt>Mean batch</dt>
                <dd>{v.meanBatchSize === null ? '—' : v.meanBatchSize.toFixed(1)}</dd>
              </div>
              <div>
                <dt>Queued rows now</dt>
                <dd>{count(v.queuedRows)}</dd>
              </div>
            </dl>
          ))}
        </div>
      ))}
    </section>
  );
}
