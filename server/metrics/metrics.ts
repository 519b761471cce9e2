/**
 * What /metrics reports. The mean batch size is
 * inference_instances_total / inference_batches_total; the latency clients
 * see is http_request_duration_seconds.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { EvaluationMetrics } from './evaluation-metrics';
import type { BatchObserver } from '../serving/batching/batcher';
import type { ShadowEvents } from '../serving/deployment/shadow';
import type { ServingModel } from '../serving/model';

export class ServerMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'http_requests_total',
    help: 'Requests by route, model and outcome',
    labelNames: ['route', 'model', 'outcome'] as const,
    registers: [this.registry],
  });
  /** Same labels as `requests`; from 0.5 ms (a refused request) to 10 s (the default deadline, REQUEST_TIMEOUT_MS). */
  readonly requestSeconds = new Histogram({
    name: 'http_request_duration_seconds',
    help: "Request duration from arrival to the answer's last byte, by route, model and outcome",
    labelNames: ['route', 'model', 'outcome'] as const,
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly instances = new Counter({
    name: 'inference_instances_total',
    help: 'Instances (rows) run through a model',
    labelNames: ['model', 'version'] as const,
    registers: [this.registry],
  });
  private readonly batches = new Counter({
    name: 'inference_batches_total',
    help: 'Model runs (batch executions)',
    labelNames: ['model', 'version'] as const,
    registers: [this.registry],
  });
  private readonly batchSize = new Histogram({
    name: 'inference_batch_size',
    help: 'Rows per model run',
    labelNames: ['model', 'version'] as const,
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers: [this.registry],
  });
  private readonly queueSeconds = new Histogram({
    name: 'inference_queue_seconds',
    help: 'Time a request waited in the batching queue',
    labelNames: ['model', 'version'] as const,
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  private readonly computeSeconds = new Histogram({
    name: 'inference_compute_seconds',
    help: 'Time of one model run',
    labelNames: ['model', 'version'] as const,
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });
  private readonly queueDepth = new Gauge({
    name: 'inference_queue_rows',
    help: "Rows waiting in a model's batching queue",
    labelNames: ['model', 'version'] as const,
    registers: [this.registry],
  });

  readonly evaluation = new EvaluationMetrics(this.registry);

  private readonly shadowRequests = new Counter({
    name: 'shadow_requests_total',
    help: "Requests run by a challenger in the champion's shadow, by outcome: answered (and logged), failed, or dropped (shadow rows at their bound)",
    labelNames: ['model', 'version', 'outcome'] as const,
    registers: [this.registry],
  });
  private shadowRowsNow: () => number = () => 0;
  readonly shadowRows = (() => {
    const read = () => this.shadowRowsNow();
    return new Gauge({
      name: 'shadow_rows',
      help: 'Rows queued or running in shadow now',
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  })();

  /** The shadow runner's outcomes, counted, and where the shadow_rows gauge reads from. */
  shadow(rows: () => number): ShadowEvents {
    this.shadowRowsNow = rows;
    return { outcome: (model, version, outcome) => this.shadowRequests.inc({ model, version, outcome }) };
  }

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  private readonly available = new Gauge({
    name: 'inference_model_available',
    help: "1 while a model's inference thread serves, 0 while it restarts",
    labelNames: ['model', 'version'] as const,
    registers: [this.registry],
  });
  private readonly restarts = new Gauge({
    name: 'inference_thread_restarts',
    help: "Times a model's inference thread was restarted after it died (only grows)",
    labelNames: ['model', 'version'] as const,
    registers: [this.registry],
  });

  /** The Prometheus text, with each model's queue depth, availability and restarts read now. */
  async render(models: readonly ServingModel[]): Promise<string> {
    for (const model of models) {
      const labels = { model: model.entry.name, version: model.entry.version };
      const stats = model.stats();
      this.queueDepth.set(labels, stats.queuedRows);
      this.available.set(labels, stats.available ? 1 : 0);
      this.restarts.set(labels, stats.restarts);
    }
    return this.registry.metrics();
  }

  observerFor(model: string, version: string): BatchObserver {
    const labels = { model, version };
    return {
      onBatch: (rows, queueWaitsMs, computeMs) => {
        this.instances.inc(labels, rows);
        this.batches.inc(labels);
        this.batchSize.observe(labels, rows);
        for (const wait of queueWaitsMs) this.queueSeconds.observe(labels, wait / 1000);
        this.computeSeconds.observe(labels, computeMs / 1000);
      },
    };
  }
}

export function outcomeOf(status: number): string {
  if (status < 400) return 'success';
  if (status === 429 || status === 503) return 'rejected';
  return status < 500 ? 'client_error' : 'server_error';
}
