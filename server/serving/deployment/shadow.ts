/**
 * Shadow runs: the challenger of a deployment in `shadow` mode runs on a copy
 * of the champion's traffic once the champion's answer is sent. Its answers
 * go to the prediction log (source `shadow`) and nowhere else. A shadow run
 * never delays or fails the champion: it is started after the reply, at low
 * priority in the challenger's batcher, and the rows in flight are bounded;
 * beyond the bound, runs are dropped and counted. Failures are counted too.
 */
import type { AnsweredRequest } from '../../evaluation/log/records';
import type { ModelRegistry } from '../registry';

export type ShadowOutcome = 'answered' | 'failed' | 'dropped';

/** One request's instances, to run on the challenger. */
export interface ShadowJob {
  readonly model: string;
  /** The challenger's version. */
  readonly version: string;
  readonly keys: readonly string[];
  /** keys.length rows of model input (a copy the runner owns). */
  readonly input: Float32Array;
  /** The signature logged with the shadow's answers. */
  readonly signature: string;
  readonly requestId: string;
}

export interface ShadowSettings {
  /** Rows queued or running in shadow at most; a run that would pass it is dropped. */
  readonly maxRows: number;
  /** How long a shadow run may wait for the challenger. */
  readonly timeoutMs: number;
}

export interface ShadowEvents {
  outcome(model: string, version: string, outcome: ShadowOutcome, rows: number): void;
}

export class ShadowRunner {
  /** Rows queued or running now. */
  rows = 0;
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly registry: ModelRegistry,
    private readonly settings: ShadowSettings,
    private readonly record: ((answer: AnsweredRequest) => void) | undefined,
    private readonly events: ShadowEvents,
  ) {}

  /** Starts a shadow run and returns at once; never throws. */
  submit(job: ShadowJob): void {
    const rows = job.keys.length;
    if (rows === 0) return;
    if (this.rows + rows > this.settings.maxRows) {
      this.events.outcome(job.model, job.version, 'dropped', rows);
      return;
    }
    this.rows += rows;
    const run = this.run(job).finally(() => {
      this.rows -= rows;
      this.running.delete(run);
    });
    this.running.add(run);
  }

  /** Resolves once every shadow run started so far has ended. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  private async run(job: ShadowJob): Promise<void> {
    const rows = job.keys.length;
    const started = performance.now();
    try {
      const model = this.registry.resolve(job.model, job.version);
      if (model.rowSize * rows !== job.input.length) throw new Error(`the challenger's input has ${model.rowSize} values a row`);
      const logits = await model.infer(job.input, rows, this.settings.timeoutMs, 'low');
      const classes = model.classes;
      this.record?.({
        model: job.model,
        version: job.version,
        source: 'shadow',
        signature: job.signature,
        time: Date.now(),
        requestId: job.requestId,
        latencyMs: performance.now() - started,
        keys: job.keys,
        scores: (row) => logits.subarray(row * classes, (row + 1) * classes),
        scoresAreLogits: true,
        input: (row) => job.input.subarray(row * model.rowSize, (row + 1) * model.rowSize),
      });
      this.events.outcome(job.model, job.version, 'answered', rows);
    } catch {
      this.events.outcome(job.model, job.version, 'failed', rows);
    }
  }
}
