/**
 * Retraining through the server, end to end, at most one run per model at a
 * time: export the labelled feedback (the fresh share kept aside), run
 * RETRAIN_COMMAND, load the version it wrote as the challenger in shadow,
 * score champion and challenger on the fresh set and the held-out split with
 * batch jobs, judge with the champion/challenger gate, and promote or keep
 * the challenger in shadow. Every step is an audit entry with its evidence,
 * and every run ends with one (retrain_finished when no version was written,
 * else promoted or rejected). A run that fails before its version is loaded
 * takes the version back out of the registry folder. Leases in the store
 * keep every server sharing it to one run per model, and make the commands
 * of different models take turns with the registry's manifest.
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { DeploymentRequest } from '../../../src/core/api/deployment';
import { ServiceError } from '../../../src/core/api/errors';
import { MAX_RETRAIN_RUNS, type RetrainRun, type RetrainStep } from '../../../src/core/api/retrain';
import type { BatchJobs } from '../../batch/service/batch-jobs';
import type { Deployments } from '../../serving/deployment/deployments';
import type { ModelRegistry } from '../../serving/registry';
import type { NewAuditEntry } from '../audit/audit-store';
import { changeEntry, promotionEntries } from '../audit/deployment-entries';
import type { Evaluation } from '../evaluation';
import { exportFromStore } from '../retrain/command';
import type { RetrainSettings } from '../retrain/settings';
import { judgeOnGateSets } from './gate-run';
import { MANIFEST_LEASE, RetrainLeases, type Lease } from './retrain-lease';
import { SharedRuns } from './shared-runs';
import { AuditedFailure, trainNextVersion } from './train-step';

export interface RetrainRunnerOptions {
  readonly registry: ModelRegistry;
  readonly deployments: Deployments;
  readonly evaluation: Evaluation;
  readonly jobs: BatchJobs;
  readonly settings: RetrainSettings;
  readonly log: { info(details: object, message: string): void; error(details: object, message: string): void };
  /** The command's environment (RETRAIN_ENV and MODEL_REPOSITORY are added); default: this process's. */
  readonly env?: NodeJS.ProcessEnv;
  /** Default: leases in the evaluation store. */
  readonly leases?: RetrainLeases;
}

/** A step that failed: the run stops there. */
class StepFailed extends Error {
  override readonly name = 'StepFailed';
  constructor(
    readonly step: RetrainStep,
    readonly reason: string,
    readonly audited: boolean,
    options: ErrorOptions,
  ) {
    super(`${step}: ${reason}`, options);
  }
}

const now = () => new Date().toISOString();
/** How long a stopping server goes on writing its runs to the shared table, at most. */
const CLOSE_PUBLISH_GRACE_MS = 2000;

export class RetrainRunner {
  private readonly runs = new Map<string, RetrainRun[]>();
  private readonly active = new Map<string, Promise<void>>();
  private readonly stopping = new AbortController();
  /** One run per model on every server sharing the store. */
  private readonly leases: RetrainLeases;
  /** Every replica's runs, as each writes them. */
  private readonly shared: SharedRuns;

  constructor(private readonly options: RetrainRunnerOptions) {
    this.leases =
      options.leases ??
      new RetrainLeases(options.evaluation.db, undefined, (error) => options.log.error({ err: error }, 'retraining: its lease could not be renewed'));
    this.shared = new SharedRuns(options.evaluation.db, (error, id) =>
      options.log.error({ err: error, run: id }, 'retraining: the shared run table is not written; other replicas list an older state until it is'),
    );
  }

  /** The runs of `model` on every server sharing the store, newest first; this server's as they are now. */
  async list(model: string): Promise<RetrainRun[]> {
    const mine = this.runs.get(model) ?? [];
    const shared = await this.shared.list(model).catch((error: unknown) => {
      // This server's runs are still known: listed, with the others' missing until the store is back.
      this.options.log.error({ err: error, model }, "retraining: the store is unavailable; listing this server's runs only");
      return [];
    });
    const byId = new Map(shared.map((run) => [run.id, run]));
    // A run whose last write did not reach the store is still listed as it is here.
    for (const run of mine) byId.set(run.id, structuredClone(run));
    return [...byId.values()].sort((a, b) => b.started.localeCompare(a.started) || Number(b.id) - Number(a.id)).slice(0, MAX_RETRAIN_RUNS);
  }

  /**
   * Starts a retraining of `model` (its champion is the start) and resolves once its retrain_started
   * entry is written; the run goes on in the background. RETRAIN_RUNNING while one runs for the model.
   */
  async start(model: string, trigger: string): Promise<RetrainRun> {
    const { registry, deployments, evaluation, settings } = this.options;
    if (this.stopping.signal.aborted) throw new ServiceError('SHUTTING_DOWN', 'the server is shutting down; start the retraining on the next one');
    registry.resolve(model);
    if (this.active.has(model)) throw new ServiceError('RETRAIN_RUNNING', `a retraining of ${model} is already running; one runs at a time per model`);
    let release!: () => void;
    this.active.set(model, new Promise<void>((done) => (release = done)));
    let lease: Lease | undefined;
    try {
      lease = await this.leases.acquire(model);
      if (!lease)
        throw new ServiceError(
          'RETRAIN_RUNNING',
          `a retraining of ${model} is already running on another server sharing the store; one runs at a time per model`,
        );
      // Holding the lease, no other run of the model is in progress anywhere: one still 'running' lost its server.
      await this.shared
        .closeOrphans(model, now())
        .catch((error: unknown) => this.options.log.error({ err: error, model }, 'retraining: earlier runs could not be closed'));
      const champion = deployments.get(model).champion;
      const entry = await evaluation.audit.record({
        kind: 'retrain_started',
        model,
        version: null,
        details: { trigger, from_version: champion, command: settings.command, fresh_share: settings.freshShare, min_labels: settings.minLabels },
      });
      const run: RetrainRun = {
        id: String(entry.id),
        model,
        trigger,
        state: 'running',
        started: entry.time,
        finished: null,
        champion,
        version: null,
        steps: [],
      };
      this.runs.set(model, [run, ...(this.runs.get(model) ?? [])].slice(0, MAX_RETRAIN_RUNS));
      this.publish(run);
      const held = lease;
      const work = this.execute(run).finally(async () => {
        await held
          .release()
          .catch((error: unknown) => this.options.log.error({ err: error, model }, 'retraining: its lease could not be given back; it runs out by itself'));
        this.active.delete(model);
        release();
      });
      this.active.set(model, work);
      return structuredClone(run);
    } catch (error) {
      await lease?.release().catch(() => undefined);
      this.active.delete(model);
      release();
      throw error;
    }
  }

  /** Resolves once no run is in progress (tests, and the server's close). */
  async idle(): Promise<void> {
    while (this.active.size > 0) await Promise.allSettled([...this.active.values()]);
  }

  /** Stops the runs (a command is killed, the gate's jobs cancelled; each run fails, audited) and waits for them to end. */
  async close(): Promise<void> {
    this.stopping.abort();
    await this.idle();
    await this.shared.close(CLOSE_PUBLISH_GRACE_MS);
  }

  /** Queues the run, as it is now, for the other replicas (written in the background, retried until the store takes it). */
  private publish(run: RetrainRun): void {
    void this.shared.publish(run);
  }

  private audit(entry: NewAuditEntry) {
    return this.options.evaluation.audit.record(entry);
  }

  /** Changes the model's deployment with its deployment_changed entry in the same transaction. */
  private async changeDeployment(run: RetrainRun, request: DeploymentRequest, why: string): Promise<void> {
    const { deployments, evaluation } = this.options;
    const details = (previous: unknown, current: unknown) => ({ previous, current, by: 'retrain', retrain_id: run.id, why });
    await deployments.change(run.model, request, { alongside: changeEntry(evaluation.audit, 'deployment_changed', run.model, details) });
  }

  /** Times a step and records it on the run; none starts once the server is stopping. */
  private async step<T>(run: RetrainRun, step: RetrainStep, work: () => Promise<{ value: T; message: string }>): Promise<T> {
    const started = Date.now();
    const seconds = () => (Date.now() - started) / 1000;
    try {
      if (this.stopping.signal.aborted) throw new Error('the server is stopping');
      const { value, message } = await work();
      run.steps.push({ step, ok: true, seconds: seconds(), message });
      this.publish(run);
      return value;
    } catch (error) {
      const reason = this.stopping.signal.aborted ? `the server stopped the run (${(error as Error).message})` : (error as Error).message;
      run.steps.push({ step, ok: false, seconds: seconds(), message: reason });
      this.publish(run);
      throw new StepFailed(step, reason, error instanceof AuditedFailure, { cause: error });
    }
  }

  private async execute(run: RetrainRun): Promise<void> {
    const { model } = run;
    try {
      const state = await this.steps(run);
      Object.assign(run, { state, finished: now() });
      this.publish(run);
      this.options.log.info({ model, run: run.id, state, version: run.version }, `retraining of ${model}: ${state}`);
    } catch (error) {
      Object.assign(run, { state: 'failed', finished: now(), message: (error as Error).message });
      this.publish(run);
      this.options.log.error({ err: error, model, run: run.id }, `retraining of ${model} failed`);
      // Every run ends in the audit log: no version yet, the retraining did not finish; else its version is not promoted.
      if (!(error instanceof StepFailed && error.audited)) {
        const step = error instanceof StepFailed ? error.step : undefined;
        const reason = error instanceof StepFailed ? error.reason : (error as Error).message;
        const entry: NewAuditEntry =
          run.version === null
            ? { kind: 'retrain_finished', model, version: null, details: { retrain_id: run.id, ok: false, step, error: reason } }
            : { kind: 'rejected', model, version: run.version, details: { retrain_id: run.id, step, reasons: [`${step ?? 'run'} failed: ${reason}`] } };
        await this.audit(entry).catch((auditError: unknown) =>
          this.options.log.error({ err: auditError, model, run: run.id }, 'retraining: its last audit entry could not be written'),
        );
      }
    }
  }

  /** The steps; resolves with the run's final state. */
  private async steps(run: RetrainRun): Promise<'promoted' | 'rejected'> {
    const { registry, deployments, evaluation, jobs, settings } = this.options;
    const { model } = run;
    const work = resolve(settings.dir, `${model}-${run.id}`);

    const split = await this.step(run, 'export', async () => {
      await mkdir(work, { recursive: true });
      const value = await exportFromStore(evaluation.db, {
        registry: registry.directory,
        model,
        freshShare: settings.freshShare,
        minLabels: settings.minLabels,
        work,
      });
      return { value, message: `${value.finetune.count} labelled inputs to fine-tune on, ${value.fresh.count} kept aside as the fresh test set, in ${work}` };
    });

    // The registry's turn covers the command and the load: a version that cannot be loaded is taken back out.
    const version = await this.leases.holding(MANIFEST_LEASE, this.stopping.signal, async () => {
      const trained = await this.step(run, 'train', async () => {
        // The champion it starts from, and the one it is judged against (an operator may change it later).
        run.champion = deployments.get(model).champion;
        const outcome = await trainNextVersion({
          run,
          split,
          work,
          registry: registry.directory,
          settings,
          env: this.options.env,
          signal: this.stopping.signal,
          audit: (e) => this.audit(e),
        });
        run.version = outcome.version;
        return { value: outcome, message: outcome.message };
      });
      await this.step(run, 'load', async () => {
        try {
          // A model without a deployment set follows its newest version, which the new one is: pinned to its
          // champion first (even if an operator's load made the new version the default while the command ran).
          if (deployments.get(model).since === null)
            await this.changeDeployment(run, { champion: run.champion, mode: 'none' }, 'pinned before its challenger is loaded');
          const { loaded } = await registry.load(model);
          if (!loaded.includes(trained.version)) throw new Error(`version ${trained.version} was not loaded (loaded: ${loaded.join(', ') || 'none'})`);
        } catch (error) {
          const restored = await trained.snapshot.restore();
          const reasons = [`version ${trained.version} could not be loaded: ${(error as Error).message}`];
          await this.audit({ kind: 'rejected', model, version: trained.version, details: { retrain_id: run.id, step: 'load', reasons, restored } });
          throw new AuditedFailure(`${reasons[0]}; taken back out of the registry folder (${restored.join(', ')})`, { cause: error });
        }
        return { value: undefined, message: `version ${trained.version} loaded` };
      });
      return trained.version;
    });

    const champion = deployments.get(model).champion;
    run.champion = champion;
    await this.step(run, 'shadow', async () => {
      await this.changeDeployment(
        run,
        { champion, challenger: version, mode: 'shadow' },
        'the new version runs in the shadow of the champion while it is judged',
      );
      return { value: undefined, message: `version ${version} is the challenger of version ${champion}, in shadow` };
    });

    const judged = await this.step(run, 'gate', async () => {
      const { decision, jobs: jobIds } = await judgeOnGateSets({
        jobs,
        registry,
        model,
        versions: { champion, challenger: version },
        work,
        runId: run.id,
        margin: settings.margin,
        signal: this.stopping.signal,
      });
      const entry = await this.audit({
        kind: 'evaluation',
        model,
        version,
        details: { retrain_id: run.id, champion, challenger: version, ...decision, jobs: jobIds },
      });
      run.decision = { ...decision, reasons: [...decision.reasons] };
      return { value: { decision, evaluationId: entry.id }, message: decision.reasons.join('; ') };
    });

    return this.step(run, 'decision', async () => {
      const { decision, evaluationId } = judged;
      const why = { retrain_id: run.id, evaluation_id: evaluationId, reasons: decision.reasons };
      if (!decision.promote) {
        await this.audit({ kind: 'rejected', model, version, details: { ...why, kept: 'challenger in shadow' } });
        return { value: 'rejected' as const, message: `version ${version} stays the challenger, in shadow; version ${champion} stays the champion` };
      }
      // Judged against this champion and this challenger: an operator's change meanwhile is not overridden.
      const current = deployments.get(model);
      if (current.champion !== champion || current.challenger !== version)
        throw new Error(
          `the deployment changed while the gate judged (champion ${current.champion}, challenger ${current.challenger ?? 'none'}): not promoted`,
        );
      const alongside = promotionEntries(evaluation.audit, (previous, now) => ({ ...why, by: 'gate', previous, current: now }));
      await deployments.promote([{ model, version }], { alongside });
      return { value: 'promoted' as const, message: `version ${version} is the champion; version ${champion} stays loaded for a rollback` };
    });
  }
}
