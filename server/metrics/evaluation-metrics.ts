/** What /metrics reports of continued evaluation: the prediction log's writes, drops and buffer. */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { DropReason, PredictionLogEvents } from '../evaluation/log/prediction-log';

export class EvaluationMetrics {
  private readonly rows: Counter<'outcome'>;
  private readonly dropped: Counter<'reason'>;
  private bufferedRows: () => number = () => 0;

  constructor(registry: Registry) {
    this.rows = new Counter({
      name: 'prediction_log_rows_total',
      help: 'Logged prediction rows written: new, or already in the log (a replay)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    });
    this.dropped = new Counter({
      name: 'prediction_log_dropped_total',
      help: 'Logged prediction rows dropped: the buffer was full, or the store failed',
      labelNames: ['reason'] as const,
      registers: [registry],
    });
    // Zero from the start, so a rate over the counters is defined before the first drop.
    for (const reason of ['buffer_full', 'store_error'] satisfies DropReason[]) this.dropped.inc({ reason }, 0);
    const read = () => this.bufferedRows();
    new Gauge({
      name: 'prediction_log_buffered_rows',
      help: 'Logged prediction rows waiting to be written',
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  }

  /** Where the buffered-rows gauge reads from. */
  watchBuffer(read: () => number): void {
    this.bufferedRows = read;
  }

  /** The prediction log's events, counted; store failures go to `warn`. */
  events(warn: (error: unknown) => void): PredictionLogEvents {
    return {
      written: (rows, duplicates) => {
        this.rows.inc({ outcome: 'new' }, rows);
        if (duplicates > 0) this.rows.inc({ outcome: 'duplicate' }, duplicates);
      },
      dropped: (reason, rows) => this.dropped.inc({ reason }, rows),
      storeFailed: warn,
    };
  }
}
