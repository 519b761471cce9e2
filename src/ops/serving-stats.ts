/**
 * Latency and throughput per model and version from two readings of
 * `/metrics`: prediction requests and rows per second between them (from the
 * counters), and the p50 / p99 of a prediction request's duration as clients
 * see it (per model), of the queue wait and of a model run (per version), from
 * the histograms' buckets, over the observations made between them, or since
 * the server started when there were none in between.
 */
import { histogramQuantile, type Bucket, type Sample } from './prometheus';

export interface MetricsReading {
  readonly samples: readonly Sample[];
  /** When it was read (ms since the epoch). */
  readonly at: number;
}

export interface Quantiles {
  readonly p50: number | null;
  readonly p99: number | null;
  /** Observations the quantiles are of. */
  readonly count: number;
}

export interface VersionServing {
  readonly version: string;
  readonly rowsPerSecond: number | null;
  readonly rowsTotal: number;
  readonly meanBatchSize: number | null;
  readonly queueSeconds: Quantiles;
  readonly computeSeconds: Quantiles;
  readonly queuedRows: number | null;
  readonly available: boolean | null;
}

export interface ModelServing {
  readonly model: string;
  /** Prediction requests (`:predict`, `infer`) per second between the readings, and since the server started. */
  readonly requestsPerSecond: number | null;
  readonly requestsTotal: number;
  /** Share of the requests between the readings that were refused or failed (429, 503, 4xx, 5xx). */
  readonly unsuccessfulShare: number | null;
  /**
   * Duration of its prediction requests, from arrival to the answer's last
   * byte, whatever their outcome (`http_request_duration_seconds`; the
   * server labels requests by model, not version).
   */
  readonly requestSeconds: Quantiles;
  readonly versions: readonly VersionServing[];
}

export interface ServingFigures {
  /** Seconds between the two readings; null for the first one. */
  readonly intervalSeconds: number | null;
  /** Whether the quantiles and mean batch sizes are of the interval (else since the server started). */
  readonly quantilesOf: 'interval' | 'since start';
  readonly models: readonly ModelServing[];
}

type Match = Readonly<Record<string, string>>;

/** Prediction routes (keyed `:predict` and OIP `infer`): other routes naming a model (metadata, monitoring) are not its load. */
const predicting = (s: Sample) => {
  const route = s.labels['route'] ?? '';
  return route.startsWith('/v1/models/') || route.endsWith('/infer');
};
const matches = (sample: Sample, name: string, match: Match) => sample.name === name && Object.entries(match).every(([k, v]) => sample.labels[k] === v);

function sum(samples: readonly Sample[], name: string, match: Match, filter: (s: Sample) => boolean = () => true): number {
  return samples.filter((s) => matches(s, name, match) && filter(s)).reduce((total, s) => total + s.value, 0);
}

/** A histogram's buckets over every series that matches (and passes the filter), added up bound by bound. */
function buckets(samples: readonly Sample[], name: string, match: Match, filter: (s: Sample) => boolean = () => true): Bucket[] {
  const counts = new Map<number, number>();
  for (const s of samples) {
    if (!matches(s, `${name}_bucket`, match) || !filter(s)) continue;
    const le = s.labels['le'] === '+Inf' ? Infinity : Number(s.labels['le']);
    counts.set(le, (counts.get(le) ?? 0) + s.value);
  }
  return [...counts].map(([le, count]) => ({ le, count }));
}

/** Buckets observed between two readings (a restarted server's counters start again: then the newer ones alone). */
function difference(now: readonly Bucket[], before: readonly Bucket[]): Bucket[] {
  const earlier = new Map(before.map((b) => [b.le, b.count]));
  const delta = now.map((b) => ({ le: b.le, count: b.count - (earlier.get(b.le) ?? 0) }));
  return delta.some((b) => b.count < 0) ? [...now] : delta;
}

function quantiles(all: readonly Bucket[]): Quantiles {
  return { p50: histogramQuantile(0.5, all), p99: histogramQuantile(0.99, all), count: all.reduce((most, b) => Math.max(most, b.count), 0) };
}

const rate = (now: number, before: number | undefined, seconds: number | null) =>
  before === undefined || seconds === null || seconds <= 0 || now < before ? null : (now - before) / seconds;

/** The figures of `now`, with rates and interval quantiles against `before` when there is one. */
export function servingFigures(now: MetricsReading, before: MetricsReading | undefined): ServingFigures {
  const seconds = before ? (now.at - before.at) / 1000 : null;
  const versions = new Map<string, Set<string>>();
  for (const s of now.samples) {
    if (s.name !== 'inference_instances_total' && s.name !== 'inference_model_available') continue;
    const { model, version } = s.labels;
    if (model && version) versions.set(model, (versions.get(model) ?? new Set()).add(version));
  }
  const observedBetween = (name: string, match: Match, filter?: (s: Sample) => boolean) =>
    before !== undefined && quantiles(difference(buckets(now.samples, name, match, filter), buckets(before.samples, name, match, filter))).count > 0;
  // The interval's observations when there were any (a model run, or a prediction request even if none ran, as
  // while a model restarts), for every model alike; else everything since the start.
  const intervalObserved = [...versions].some(
    ([model, set]) =>
      observedBetween('http_request_duration_seconds', { model }, predicting) ||
      [...set].some((version) => observedBetween('inference_compute_seconds', { model, version })),
  );
  const histogram = (name: string, match: Match, filter?: (s: Sample) => boolean) => {
    const current = buckets(now.samples, name, match, filter);
    return quantiles(intervalObserved && before ? difference(current, buckets(before.samples, name, match, filter)) : current);
  };

  const models = [...versions].map(([model, set]): ModelServing => {
    const requests = sum(now.samples, 'http_requests_total', { model }, predicting);
    const requestsBefore = before ? sum(before.samples, 'http_requests_total', { model }, predicting) : undefined;
    const failing = (s: Sample) => predicting(s) && s.labels['outcome'] !== 'success';
    const unsuccessful =
      sum(now.samples, 'http_requests_total', { model }, failing) - (before ? sum(before.samples, 'http_requests_total', { model }, failing) : 0);
    const served = requestsBefore === undefined ? null : requests - requestsBefore;
    return {
      model,
      requestsPerSecond: rate(requests, requestsBefore, seconds),
      requestsTotal: requests,
      unsuccessfulShare: served !== null && served > 0 ? unsuccessful / served : null,
      requestSeconds: histogram('http_request_duration_seconds', { model }, predicting),
      versions: [...set].sort().map((version): VersionServing => {
        const match = { model, version };
        const rows = sum(now.samples, 'inference_instances_total', match);
        const batches = sum(now.samples, 'inference_batches_total', match);
        const rowsBefore = before ? sum(before.samples, 'inference_instances_total', match) : undefined;
        // Of the same observations as the quantiles.
        const batchesOf = intervalObserved && before ? batches - sum(before.samples, 'inference_batches_total', match) : batches;
        const rowsOf = intervalObserved && rowsBefore !== undefined ? rows - rowsBefore : rows;
        const gauge = (name: string) => now.samples.find((s) => matches(s, name, match))?.value;
        const available = gauge('inference_model_available');
        return {
          version,
          rowsPerSecond: rate(rows, rowsBefore, seconds),
          rowsTotal: rows,
          meanBatchSize: batchesOf > 0 ? rowsOf / batchesOf : null,
          queueSeconds: histogram('inference_queue_seconds', match),
          computeSeconds: histogram('inference_compute_seconds', match),
          queuedRows: gauge('inference_queue_rows') ?? null,
          available: available === undefined ? null : available === 1,
        };
      }),
    };
  });
  return { intervalSeconds: seconds, quantilesOf: intervalObserved ? 'interval' : 'since start', models };
}
