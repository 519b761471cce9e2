/** What /metrics reports of continued evaluation: the prediction log's writes, drops and buffer, and the alert rules. */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { DropReason, PredictionLogEvents } from '../evaluation/log/prediction-log';
import type { AlertObserver } from '../evaluation/rules/scheduler';

type AlertSeries = { rule: string; model: string; version: string };

export class EvaluationMetrics {
  private readonly rows: Counter<'outcome'>;
  private readonly dropped: Counter<'reason'>;
  private bufferedRows: () => number = () => 0;
  private readonly alertActive: Gauge<'rule' | 'model' | 'version'>;
  private readonly alertsFired: Counter<'rule' | 'model'>;
  /** Every alert series set so far, so one the latest run did not look at can go back to 0. */
  private readonly alertSeries = new Map<string, AlertSeries>();

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
    this.alertActive = new Gauge({
      name: 'monitoring_alert_active',
      help: "1 while a rule's condition held at its latest evaluation (so it fired, then or within its cooldown), else 0",
      labelNames: ['rule', 'model', 'version'] as const,
      registers: [registry],
    });
    this.alertsFired = new Counter({
      name: 'monitoring_alerts_total',
      help: 'Alert rule firings written to the audit trail',
      labelNames: ['rule', 'model'] as const,
      registers: [registry],
    });
  }

  /** The alert scheduler's runs: firings counted, and each rule's state per model version. */
  alerts(): AlertObserver {
    return {
      fired: (record) => this.alertsFired.inc({ rule: record.rule, model: record.model }),
      evaluated: (states) => {
        const seen = new Set<string>();
        for (const { rule, model, version, holds } of states) {
          const id = `${rule}\n${model}\n${version}`;
          seen.add(id);
          this.alertSeries.set(id, { rule, model, version });
          this.alertActive.set({ rule, model, version }, holds ? 1 : 0);
        }
        // No window at all for a version this time: nothing holds for it.
        for (const [id, series] of this.alertSeries) if (!seen.has(id)) this.alertActive.set(series, 0);
      },
    };
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
