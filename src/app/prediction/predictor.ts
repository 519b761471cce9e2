/**
 * The two-phase path for one settled drawing: preprocess, answer from the
 * cache or the small model, and by the policy ask the full model now, queue
 * the request for later, or keep the small model's answer. Once an answer is
 * final, its edge record joins the queue for the prediction log when its key
 * is sampled or the user labelled it; the user's labels go through here too.
 * One key per settled drawing: the edge record, the cloud call (and its
 * replays) and the label all carry it.
 */
import { cacheKey } from '../../core/hash/input-hash';
import { rejectRuleOf, type ModelEntry } from '../../core/manifest';
import { gate } from '../../core/math/gate';
import { softmax } from '../../core/math/probabilities';
import { getPreprocessor, type InkRaster } from '../../core/preprocess';
import { cacheAnswers, verdictFrom, withCloudVerdict, type Answer, type Verdict } from '../../core/policy/answer';
import { effectiveThreshold, type Settings } from '../../core/policy/settings';
import { nextStep, runsOnDevice } from '../../core/policy/two-phase';
import { CloudError } from '../../cloud/cloud-client';
import type { AnswerStore } from '../../store';
import { keySampled } from '../../core/hash/key-sampling';
import { dequantizeInput, quantizeInput } from '../../core/preprocess/input-bytes';
import { edgeRecordOf } from './edge-log';

export interface EdgeRunner {
  run(input: Float32Array): Promise<{ readonly logits: Float32Array }>;
}

/** Asks the full model; rejects when the cloud cannot be reached or refuses. */
export type CloudAsker = (input: Float32Array, key: string, timeoutMs: number) => Promise<Verdict>;

export interface PredictorDeps {
  readonly edgeModel: ModelEntry;
  /** Undefined while phase one is still loading. */
  readonly edge: () => EdgeRunner | undefined;
  readonly askCloud: CloudAsker;
  readonly store: AnswerStore;
  readonly settings: () => Settings;
  readonly online: () => boolean;
  /** Every answer as it changes: the edge's first, then the cloud's, then replays' revisions. */
  readonly onAnswer: (answer: Answer) => void;
  readonly newKey?: () => string;
  /** The share of keys whose edge records are logged (the server's EDGE_LOG_SAMPLE_RATE); labelled ones always are. */
  readonly logSampleRate?: () => number;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class Predictor {
  private readonly modelId: string;
  private readonly preprocess: (raster: InkRaster) => Float32Array;

  constructor(private readonly deps: PredictorDeps) {
    this.modelId = `${deps.edgeModel.name}@${deps.edgeModel.version}`;
    this.preprocess = getPreprocessor(deps.edgeModel.preprocessing.id);
  }

  /** The small model alone, for live feedback while the user draws. Nothing is stored. */
  async preview(raster: InkRaster): Promise<Verdict | undefined> {
    const edge = this.deps.edge();
    if (!edge) return undefined;
    const { logits } = await edge.run(this.preprocess(raster));
    return verdictFrom(softmax(logits), this.deps.edgeModel.labels, this.modelId);
  }

  async settle(raster: InkRaster, drawingId: string): Promise<Answer> {
    const started = performance.now();
    const input = this.preprocess(raster);
    const settings = this.deps.settings();
    const threshold = effectiveThreshold(settings, this.deps.edgeModel.gate?.threshold ?? 0);
    const key = cacheKey(input, this.deps.edgeModel);
    const cached = await this.deps.store.cache.get(key);
    if (cached && cacheAnswers(cached, settings.mode, threshold)) {
      return this.finish({ ...cached, drawingId, source: 'cache', latencyMs: performance.now() - started, at: Date.now() }, input);
    }

    const edge = runsOnDevice(settings.mode) ? this.deps.edge() : undefined;
    const verdict = edge ? verdictFrom(softmax((await edge.run(input)).logits), this.deps.edgeModel.labels, this.modelId) : undefined;
    const edgeGate = verdict ? gate(verdict.probabilities, threshold, rejectRuleOf(this.deps.edgeModel)) : undefined;
    const online = this.deps.online();
    const step = nextStep(settings.mode, online, edgeGate);
    const base: Answer = {
      key: this.deps.newKey?.() ?? crypto.randomUUID(),
      drawingId,
      cacheKey: key,
      source: 'edge',
      origin: 'edge',
      status: 'final',
      ...(verdict ? { verdict } : {}),
      escalated: edgeGate?.escalate ?? false,
      latencyMs: performance.now() - started,
      at: Date.now(),
    };
    if (step === 'keep') return this.finish(base, input);
    if (step === 'queue') return this.queue(base, input, 'queued', 'offline: the full model answers once the app is online again');

    if (verdict) this.deps.onAnswer({ ...base, status: 'asking-cloud' });
    try {
      const cloud = await this.deps.askCloud(input, base.key, settings.cloudTimeoutMs);
      return await this.finish(withCloudVerdict(base, cloud, performance.now() - started), input);
    } catch (error) {
      return this.queue(base, input, 'fallback', `${errorText(error)}; asking again later`);
    }
  }

  /**
   * Shows the answer, then caches and records it. The writes are issued, not
   * awaited: the answer does not wait for the disk, and IndexedDB runs later
   * transactions on the same stores after them, so every read sees them.
   */
  private finish(answer: Answer, input: Float32Array): Answer {
    this.deps.onAnswer(answer);
    const bytes = quantizeInput(input);
    this.issue(this.deps.store.save(answer, bytes));
    // A cached answer repeats a key already settled (and logged if it was to be).
    if (answer.status === 'final' && answer.source !== 'cache') this.issue(this.logIfDue(answer, bytes));
    return answer;
  }

  private issue(write: Promise<void>): void {
    this.writes = Promise.all([this.writes, write]).then(
      () => undefined,
      (error: unknown) => console.warn(`an answer could not be stored: ${errorText(error)}`),
    );
  }

  /**
   * Queues the edge record of a final answer when its key is sampled, or when
   * the user labelled it while it waited for the cloud (an answer the edge
   * kept at once cannot have a label yet, so that read is skipped).
   */
  private async logIfDue(answer: Answer, bytes: Uint8Array): Promise<void> {
    const due =
      keySampled(answer.key, this.deps.logSampleRate?.() ?? 0) || (answer.origin === 'cloud' && (await this.deps.store.feedback.get(answer.key)) !== undefined);
    if (due) await this.queueRecord(answer, bytes);
  }

  /** The record goes with the input as the log keeps it (bytes), and only while the user shares drawings. */
  private async queueRecord(answer: Answer, bytes: Uint8Array | undefined): Promise<void> {
    const pixels = this.deps.settings().shareDrawings && bytes ? Array.from(dequantizeInput(bytes)) : undefined;
    const record = edgeRecordOf(answer, this.deps.edgeModel, pixels);
    if (record) await this.deps.store.edgeLogs.add(record);
  }

  /**
   * The user's label for an answer ("right" is its own label): stored at once,
   * strictly, then sent with the rest. A labelled drawing is always logged:
   * once its answer is final (as the history has it, whatever the card still
   * shows), its record is queued unless it was already (whatever the rate is
   * now). An answer not final yet is logged when it is.
   */
  async giveFeedback(answer: Answer, label: string): Promise<void> {
    if (!this.deps.edgeModel.labels.includes(label)) throw new Error(`"${label}" is not a label of ${this.deps.edgeModel.name}`);
    await this.deps.store.feedback.give(answer.key, label);
    const entry = await this.deps.store.history.ofKey(answer.key);
    if (entry?.answer.status === 'final' && !entry.logged) await this.queueRecord(entry.answer, entry.thumbnail);
  }

  private writes: Promise<void> = Promise.resolve();

  /** Resolves once every answer given so far is stored. */
  flush(): Promise<void> {
    return this.writes;
  }

  private async queue(base: Answer, input: Float32Array, status: 'queued' | 'fallback', note: string): Promise<Answer> {
    const answer: Answer = { ...base, status, note };
    // The request is stored before anything else, so closing the tab now loses nothing.
    await this.deps.store.outbox.add({ key: answer.key, drawingId: answer.drawingId, answer, input, createdAt: answer.at, attempts: 0 });
    return this.finish(answer, input);
  }

  private replaying: Promise<ReplayResult> | undefined;

  /**
   * Sends the outbox's requests to the cloud, oldest first, with their own
   * keys; each answer revises the cache and the history. Stops at the first
   * failure (the cloud is likely still out of reach); what is left waits for the next try.
   */
  replay(): Promise<ReplayResult> {
    this.replaying ??= this.replayAll().finally(() => (this.replaying = undefined));
    return this.replaying;
  }

  private async replayAll(): Promise<ReplayResult> {
    const { outbox, cache, history } = this.deps.store;
    const pending = await outbox.pending();
    let answered = 0;
    for (const item of pending) {
      const started = performance.now();
      try {
        const cloud = await this.deps.askCloud(item.input, item.key, this.deps.settings().cloudTimeoutMs);
        const revised = withCloudVerdict(item.answer, cloud, performance.now() - started);
        await Promise.all([cache.put(revised), history.revise(revised)]);
        await outbox.remove(item.key);
        this.deps.onAnswer(revised);
        this.issue(this.logIfDue(revised, quantizeInput(item.input)));
        answered++;
      } catch (error) {
        await outbox.recordFailure(item.key, errorText(error));
        // A refused request stays in the outbox, visible, but does not hold up the others.
        if (error instanceof CloudError && !error.retryable) continue;
        return { answered, left: pending.length - answered, error: errorText(error) };
      }
    }
    return { answered, left: pending.length - answered };
  }
}

export interface ReplayResult {
  readonly answered: number;
  readonly left: number;
  readonly error?: string;
}
