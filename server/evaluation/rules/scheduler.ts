/**
 * Runs the alert rules every MONITORING_INTERVAL_S seconds, and on demand
 * (`POST /v1/monitoring/evaluate`). Runs never overlap: the next scheduled one
 * is set after the previous ends, and on-demand runs queue behind whatever
 * runs. A failing run is logged and the schedule goes on; the timer is
 * unref'd, so it never keeps the process alive. Each firing is counted,
 * logged and, with ALERT_WEBHOOK_URL, posted in the background: a slow
 * receiver never delays the next evaluation.
 */
import type { AlertRecord } from '../../../src/core/api/alerts';
import type { Evaluation } from '../evaluation';
import { runRules, type RuleState, type RulesEvaluation } from './evaluate';
import { loadRules, type Rule } from './rules';
import { postToWebhook, WEBHOOK_DEFAULTS, type WebhookOptions } from './webhook';

/** What is told of each run (the metrics listen). */
export interface AlertObserver {
  fired(record: AlertRecord): void;
  /** Where every rule stands for every model version the run looked at. */
  evaluated(states: readonly RuleState[]): void;
}

/** The part of a pino/Fastify logger used here. */
export interface AlertLog {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface AlertSchedulerOptions {
  readonly rules: readonly Rule[];
  readonly intervalSeconds: number;
  readonly log: AlertLog;
  readonly webhookUrl?: string | undefined;
  readonly webhook?: WebhookOptions | undefined;
  readonly observer?: AlertObserver | undefined;
  readonly now?: (() => Date) | undefined;
  /** What a firing whose rule's action is not notify does (after it is recorded and notified). */
  readonly actions?: AlertActions | undefined;
}

/** Actions beyond notification, by name (ALERT_ACTIONS). */
export interface AlertActions {
  readonly retrain?: ((record: AlertRecord) => unknown) | undefined;
}

/**
 * Live traffic retrains; a batch job's or a shadow's window only notifies: a retraining's own gate logs
 * the challenger's answers as a batch, and those must not start the next retraining.
 */
const RETRAINING_SOURCES: readonly string[] = ['cloud', 'edge'];
const retrainsOn = (record: AlertRecord) => RETRAINING_SOURCES.includes(String(record.evidence['source']));

export class AlertScheduler {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private started = false;
  /** The run in progress and those queued behind it; never rejects. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly deliveries = new Set<Promise<void>>();
  private stopping = new AbortController();

  constructor(
    private readonly evaluation: RulesEvaluation,
    readonly options: AlertSchedulerOptions,
  ) {}

  /** A scheduler over the evaluation's settings; reads and checks the rules file now, so a bad one stops the server's start. */
  static async open(evaluation: Evaluation, log: AlertLog, observer?: AlertObserver, actions?: AlertActions): Promise<AlertScheduler> {
    const settings = evaluation.settings;
    const rules = await loadRules(settings.rulesFile);
    return new AlertScheduler(evaluation, { rules, intervalSeconds: settings.intervalSeconds, webhookUrl: settings.alertWebhookUrl, log, observer, actions });
  }

  get rules(): readonly Rule[] {
    return this.options.rules;
  }

  /** The first run comes one interval from now. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.stopping = new AbortController();
    this.schedule();
  }

  /** Stops the schedule, waits for the run in progress, and gives up on webhook posts still retrying. */
  async stop(): Promise<void> {
    this.started = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.queue;
    this.stopping.abort();
    await this.idle();
  }

  /** Runs the rules now, after any run in progress; returns the firings. Store failures reject (the caller reports them). */
  evaluate(now?: Date): Promise<AlertRecord[]> {
    const run = this.queue.then(() => this.run(now ?? this.options.now?.() ?? new Date()));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Resolves once every webhook post started so far has ended. */
  async idle(): Promise<void> {
    while (this.deliveries.size > 0) await Promise.allSettled([...this.deliveries]);
  }

  private schedule(): void {
    this.timer = setTimeout(() => void this.tick(), this.options.intervalSeconds * 1000);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    try {
      await this.evaluate();
    } catch (error) {
      this.options.log.error({ err: error }, 'alert rules: the evaluation failed; the next one runs on schedule');
    }
    if (this.started) this.schedule();
  }

  private async run(now: Date): Promise<AlertRecord[]> {
    const { fired, states } = await runRules(this.evaluation, this.options.rules, now);
    this.options.observer?.evaluated(states);
    for (const record of fired) {
      this.options.observer?.fired(record);
      this.options.log.warn({ alert: record }, `alert: rule ${record.rule} fired for ${record.model} version ${record.version}`);
      this.notify(record);
      if (record.action === 'retrain' && retrainsOn(record)) this.options.actions?.retrain?.(record);
    }
    return fired;
  }

  private notify(record: AlertRecord): void {
    const url = this.options.webhookUrl;
    if (url === undefined) return;
    const delivery = postToWebhook(url, record, this.stopping.signal, this.options.webhook ?? WEBHOOK_DEFAULTS).then((result) => {
      if (!result.delivered) {
        this.options.log.warn(
          { alert: record.id, rule: record.rule, attempts: result.attempts, reason: result.error },
          'alert webhook: not delivered; the alert stays in the audit trail',
        );
      }
    });
    this.deliveries.add(delivery);
    void delivery.finally(() => this.deliveries.delete(delivery));
  }
}
