/**
 * Two readings of /metrics make rates per second and the quantiles of what
 * was observed between them; a first reading, or readings without new
 * observations, fall back to everything since the server started; only
 * prediction routes count as a model's requests and in its request latency,
 * whatever their outcome; a server that restarted between readings gives no
 * rates rather than negative ones.
 */
import { describe, expect, it } from 'vitest';
import { parsePrometheus } from './prometheus';
import { servingFigures, type MetricsReading } from './serving-stats';

interface State {
  readonly requests: number;
  readonly refused: number;
  readonly rows: number;
  readonly batches: number;
  /** Cumulative counts of the compute histogram at 1 ms, 2 ms, 4 ms, +Inf. */
  readonly compute: readonly [number, number, number, number];
  /** Cumulative counts of the successful requests' durations at 2 ms, 10 ms, 50 ms, +Inf (refused ones all take under 2 ms). */
  readonly latency: readonly [number, number, number, number];
}

function reading(at: number, s: State): MetricsReading {
  const v = 'model="digits-full",version="1"';
  const bounds = ['0.001', '0.002', '0.004', '+Inf'];
  const requestBounds = ['0.002', '0.01', '0.05', '+Inf'];
  const keyed = 'route="/v1/models/:target",model="digits-full"';
  const text = [
    `http_requests_total{route="/v1/models/:target",model="digits-full",outcome="success"} ${s.requests - s.refused}`,
    `http_requests_total{route="/v1/models/:target",model="digits-full",outcome="rejected"} ${s.refused}`,
    `http_requests_total{route="/metrics",model="",outcome="success"} 99`,
    // Monitoring and metadata name the model but are not its load.
    `http_requests_total{route="/v1/monitoring/models/:model/windows",model="digits-full",outcome="success"} ${at / 100}`,
    `http_requests_total{route="/v2/models/:model",model="digits-full",outcome="client_error"} 7`,
    ...requestBounds.map((le, i) => `http_request_duration_seconds_bucket{le="${le}",${keyed},outcome="success"} ${s.latency[i]}`),
    ...requestBounds.map((le) => `http_request_duration_seconds_bucket{le="${le}",${keyed},outcome="rejected"} ${s.refused}`),
    // Not a prediction route: slow, and left out.
    ...requestBounds.map(
      (le, i) =>
        `http_request_duration_seconds_bucket{le="${le}",route="/v1/monitoring/models/:model/windows",model="digits-full",outcome="success"} ${i === 3 ? at / 100 : 0}`,
    ),
    `inference_instances_total{${v}} ${s.rows}`,
    `inference_batches_total{${v}} ${s.batches}`,
    ...bounds.map((le, i) => `inference_compute_seconds_bucket{le="${le}",${v}} ${s.compute[i]}`),
    ...bounds.map((le) => `inference_queue_seconds_bucket{le="${le}",${v}} 0`),
    `inference_queue_rows{${v}} 3`,
    `inference_model_available{${v}} 1`,
  ].join('\n');
  return { samples: parsePrometheus(text), at };
}

const first = reading(0, { requests: 100, refused: 0, rows: 400, batches: 100, compute: [100, 100, 100, 100], latency: [0, 100, 100, 100] });

describe('servingFigures', () => {
  it('gives no rates for a first reading, and quantiles and batch size since the start', () => {
    const figures = servingFigures(first, undefined);
    expect(figures.intervalSeconds).toBeNull();
    expect(figures.quantilesOf).toBe('since start');
    const [model] = figures.models;
    expect(model).toMatchObject({ model: 'digits-full', requestsPerSecond: null, requestsTotal: 100, unsuccessfulShare: null });
    expect(model?.versions).toHaveLength(1);
    expect(model?.versions[0]).toMatchObject({ version: '1', rowsPerSecond: null, rowsTotal: 400, meanBatchSize: 4, queuedRows: 3, available: true });
    // All 100 runs took at most 1 ms: the median is half way into the first bucket.
    expect(model?.versions[0]?.computeSeconds.p50).toBeCloseTo(0.0005, 12);
    expect(model?.versions[0]?.queueSeconds).toEqual({ p50: null, p99: null, count: 0 });
    // All 100 requests took (2 ms, 10 ms].
    expect(model?.requestSeconds.count).toBe(100);
    expect(model?.requestSeconds.p50).toBeCloseTo(0.006, 12);
    expect(model?.requestSeconds.p99).toBeCloseTo(0.00992, 12);
  });

  it('gives rates and quantiles of the interval between two readings', () => {
    // 10 s later: 30 more requests (6 refused), 120 more rows in 20 batches, all 20 runs in (2 ms, 4 ms];
    // of the 24 served, 20 took (10 ms, 50 ms] and 4 longer.
    const second = reading(10_000, { requests: 130, refused: 6, rows: 520, batches: 120, compute: [100, 100, 120, 120], latency: [0, 100, 120, 124] });
    const figures = servingFigures(second, first);
    expect(figures.intervalSeconds).toBe(10);
    expect(figures.quantilesOf).toBe('interval');
    const [model] = figures.models;
    expect(model?.requestsPerSecond).toBe(3);
    expect(model?.unsuccessfulShare).toBeCloseTo(6 / 30, 12);
    expect(model?.versions[0]?.rowsPerSecond).toBe(12);
    expect(model?.versions[0]?.meanBatchSize).toBe(6);
    expect(model?.versions[0]?.computeSeconds.count).toBe(20);
    expect(model?.versions[0]?.computeSeconds.p50).toBeCloseTo(0.003, 12);
    expect(model?.versions[0]?.computeSeconds.p99).toBeCloseTo(0.00398, 12);
    // The 30 requests of the interval, refused ones too: 6 under 2 ms, 20 in (10 ms, 50 ms], 4 above.
    expect(model?.requestSeconds.count).toBe(30);
    // Rank 15: the 9th of the 20 in (10 ms, 50 ms].
    expect(model?.requestSeconds.p50).toBeCloseTo(0.028, 12);
    // Rank 29.7 is in the +Inf bucket: the largest finite bound.
    expect(model?.requestSeconds.p99).toBe(0.05);
  });

  it('takes the interval when requests were answered in it though no model ran, as while a model restarts', () => {
    // 10 more requests, all refused within 2 ms; no batch ran.
    const refusing = reading(10_000, { requests: 110, refused: 10, rows: 400, batches: 100, compute: [100, 100, 100, 100], latency: [0, 100, 100, 100] });
    const figures = servingFigures(refusing, first);
    expect(figures.quantilesOf).toBe('interval');
    const [model] = figures.models;
    expect(model?.unsuccessfulShare).toBe(1);
    expect(model?.requestSeconds.count).toBe(10);
    expect(model?.requestSeconds.p50).toBeCloseTo(0.001, 12);
    expect(model?.versions[0]?.computeSeconds).toEqual({ p50: null, p99: null, count: 0 });
    expect(model?.versions[0]?.meanBatchSize).toBeNull();
  });

  it('falls back to since the start when nothing was observed in between', () => {
    const figures = servingFigures(
      reading(5000, { requests: 100, refused: 0, rows: 400, batches: 100, compute: [100, 100, 100, 100], latency: [0, 100, 100, 100] }),
      first,
    );
    expect(figures.quantilesOf).toBe('since start');
    expect(figures.models[0]?.requestsPerSecond).toBe(0);
    expect(figures.models[0]?.versions[0]?.computeSeconds.p50).toBeCloseTo(0.0005, 12);
    expect(figures.models[0]?.requestSeconds).toMatchObject({ count: 100, p50: expect.closeTo(0.006, 12) as number });
  });

  it('gives no rates across a restart of the server, whose counters started again', () => {
    const restarted = reading(10_000, { requests: 5, refused: 0, rows: 20, batches: 5, compute: [0, 5, 5, 5], latency: [5, 5, 5, 5] });
    const figures = servingFigures(restarted, first);
    expect(figures.models[0]?.requestsPerSecond).toBeNull();
    expect(figures.models[0]?.versions[0]?.rowsPerSecond).toBeNull();
    // The newer counts alone: 5 runs in (1 ms, 2 ms].
    expect(figures.models[0]?.versions[0]?.computeSeconds.p50).toBeCloseTo(0.0015, 12);
    // 5 requests under 2 ms.
    expect(figures.models[0]?.requestSeconds).toMatchObject({ count: 5, p50: expect.closeTo(0.001, 12) as number });
  });
});
