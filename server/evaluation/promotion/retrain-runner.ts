/**
 * Retraining through the server, end to end, at most one run per model at a
 * time: export the labelled feedback (the fresh share kept aside), run
 * RETRAIN_COMMAND, load the version it wrote as the challenger in shadow,
 * score champion and challenger on the fresh set and the held-out split with
 * batch jobs, judge with the champion/challenger gate, and promote or keep
 * the challenger in shadow. Every step is an audit entry with its evidence;
 * a run that fails before a version is loaded leaves the registry folder,
 * the registry and the deployment as they were.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { HELDOUT_SAMPLES, MAX_RETRAIN_RUNS, type RetrainRun, type RetrainStep } from '../../../src/core/api/retrain';
import type { DeploymentRequest } from '../../../src/core/api/deployment';
import { ServiceError } from '../../../src/core/api/errors';
import { readSamples } from '../../../tools/onnx/samples-file';
import type { BatchJobs } from '../../batch/service/batch-jobs';
import type { Deployments } from '../../serving/deployment/deployments';
import type { ModelRegistry } from '../../serving/registry';
import type { Evaluation } from '../evaluation';
import type { NewAuditEntry } from '../audit/audit-store';
import { changeEntry, promotionEntries } from '../audit/deployment-entries';
import { exportFromStore } from '../retrain/command';
import type { RetrainSettings } from '../retrain/settings';
import { DEFAULT_GATE_SETTINGS, judgeChallenger, type GateDecision } from './challenger-gate';
import { labelledSet, readKeys, scoreBothVersions } from './gate-jobs';
import { RegistrySnapshot } from './registry-snapshot';
import { runRetrainCommand } from './retrain-command';

export interface RetrainRunnerOptions {
  readonly registry: ModelRegistry;
  readonly deployments: Deployments;
  readonly evaluation: Evaluation;
  readonly jobs: BatchJobs;
  readonly settings: RetrainSettings;
  readonly log: { info(details: object, message: string): void; error(details: object, message: string): void };
  /** The command's environment (RETRAIN_ENV and MODEL_REPOSITORY are added); default: this process's. */
  readonly env?: NodeJS.ProcessEnv;
}

/** A step that failed: the run stops there, with this message. */
class StepFailed extends Error {
  override readonly name = 'StepFailed';
}

const now = () => new Date().toISOString();

export class RetrainRunner {
  private readonly runs = new Map<string, RetrainRun[]>();
  private readonly active = new Map<string, Promise<void>>();
  private readonly stopping = new AbortController();

  constructor(private readonly options: RetrainRunnerOptions) {}

  /** The runs of `model` this server made, newest first. */
  list(model: string): RetrainRun[] {
    return this.runs.get(model) ?? [];
  }

  /**
   * Starts a retraining of `model` (its champion is the start) and resolves once its retrain_started
   * entry is written; the run goes on in the background. RETRAIN_RUNNING while one runs for the model.
   */
  async start(model: string, trigger: string): Promise<RetrainRun> {
    const { registry, deployments, evaluation, settings } = this.options;
    registry.resolve(model);
    if (this.active.has(model)) throw new ServiceError('RETRAIN_RUNNING', `a retraining of ${model} is already running; one runs at a time per model`);
    if (this.stopping.signal.aborted) throw new ServiceError('SHUTTING_DOWN', 'the server is shutting down; start the retraining on the next one');
    let release!: () => void;
    this.active.set(model, new Promise<void>((done) => (release = done)));
    try {
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
      this.runs.set(model, [run, ...this.list(model)].slice(0, MAX_RETRAIN_RUNS));
      const work = this.execute(run).finally(() => {
        this.active.delete(model);
        release();
      });
      this.active.set(model, work);
      return structuredClone(run);
    } catch (error) {
      this.active.delete(model);
      release();
      throw error;
    }
  }

  /** Resolves once no run is in progress (tests, and the server's close). */
  async idle(): Promise<void> {
    while (this.active.size > 0) await Promise.allSettled([...this.active.values()]);
  }

  /** Stops the commands running (their runs fail) and waits for the runs to end. */
  async close(): Promise<void> {
    this.stopping.abort();
    await this.idle();
  }

  private audit(entry: NewAuditEntry) {
    return this.options.evaluation.audit.record(entry);
  }

  /** Changes the model's deployment with its deployment_changed entry in the same transaction. */
  private async changeDeployment(run: RetrainRun, request: DeploymentRequest, why: string): Promise<void> {
    const { deployments, evaluation } = this.options;
    const alongside = changeEntry(evaluation.audit, 'deployment_changed', run.model, (previous, current) => ({
      previous,
      current,
      by: 'retrain',
      retrain_id: run.id,
      why,
    }));
    await deployments.change(run.model, request, { alongside });
  }

  /** Times a step and records it on the run; a failure is recorded and rethrown as StepFailed. */
  private async step<T>(run: RetrainRun, step: RetrainStep, work: () => Promise<{ value: T; message: string }>): Promise<T> {
    const started = Date.now();
    const seconds = () => (Date.now() - started) / 1000;
    try {
      const { value, message } = await work();
      run.steps.push({ step, ok: true, seconds: seconds(), message });
      return value;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      run.steps.push({ step, ok: false, seconds: seconds(), message });
      throw new StepFailed(`${step}: ${message}`, { cause: error });
    }
  }

  private async execute(run: RetrainRun): Promise<void> {
    const { model } = run;
    try {
      const state = await this.judgeAndDecide(run);
      Object.assign(run, { state, finished: now() });
      this.options.log.info({ model, run: run.id, state, version: run.version }, `retraining of ${model}: ${state}`);
    } catch (error) {
      Object.assign(run, { state: 'failed', finished: now(), message: (error as Error).message });
      this.options.log.error({ err: error, model, run: run.id }, `retraining of ${model} failed`);
    }
  }

  /** The steps; resolves with the run's final state. */
  private async judgeAndDecide(run: RetrainRun): Promise<'promoted' | 'rejected'> {
    const { registry, deployments, evaluation, jobs, settings } = this.options;
    const { model, champion: startedFrom } = run;
    const work = resolve(settings.dir, `${model}-${run.id}`);
    const registryDir = registry.directory;

    const split = await this.step(run, 'export', async () => {
      await mkdir(work, { recursive: true });
      const value = await exportFromStore(evaluation.db, {
        registry: registryDir,
        model,
        freshShare: settings.freshShare,
        minLabels: settings.minLabels,
        work,
      }).catch(async (error: unknown) => {
        await this.audit({
          kind: 'retrain_finished',
          model,
          version: null,
          details: { retrain_id: run.id, ok: false, step: 'export', error: (error as Error).message },
        });
        throw error;
      });
      return { value, message: `${value.finetune.count} labelled inputs to fine-tune on, ${value.fresh.count} kept aside as the fresh test set, in ${work}` };
    });

    const version = await this.step(run, 'train', async () => {
      const snapshot = await RegistrySnapshot.take(registryDir, model);
      const outcome = await runRetrainCommand(
        settings.command,
        {
          model,
          fromVersion: startedFrom,
          auditId: run.id,
          work,
          registry: registryDir,
          timeoutMs: settings.timeoutSeconds * 1000,
          signal: this.stopping.signal,
        },
        this.options.env,
      );
      const added = outcome.code === 0 && !outcome.timedOut ? await snapshot.added().catch(() => null) : null;
      const ok = added !== null && added.length === 1;
      const why = outcome.timedOut
        ? `the command ran past RETRAIN_TIMEOUT_S (${settings.timeoutSeconds} s) and was stopped`
        : outcome.code !== 0
          ? `the command exited with ${outcome.code ?? outcome.signal}`
          : added === null
            ? 'the command left a manifest that does not parse'
            : `the command exited 0 but added ${added.length === 0 ? 'no version' : `${added.length} versions (${added.join(', ')})`} of ${model} to the manifest; one was expected`;
      const restored = ok ? [] : await snapshot.restore();
      const details = {
        retrain_id: run.id,
        ok,
        ...(ok ? {} : { error: why, restored }),
        exit_code: outcome.code,
        signal: outcome.signal,
        seconds: outcome.seconds,
        log_file: outcome.logFile,
        output_tail: outcome.tail,
        fresh: { count: split.fresh.count, from: split.fresh.from },
        finetune: { count: split.finetune.count, until: split.finetune.until },
      };
      const written = ok ? (added[0] as string) : null;
      await this.audit({ kind: 'retrain_finished', model, version: written, details });
      if (!written) throw new Error(`${why}; the registry folder is as it was${restored.length > 0 ? ` (undone: ${restored.join(', ')})` : ''}`);
      run.version = written;
      return { value: written, message: `version ${written} written in ${outcome.seconds.toFixed(1)} s (log: ${outcome.logFile})` };
    });

    // Judged against the champion of now (an operator may have changed it while the command ran). A model
    // without a deployment set follows its newest version, which the load would make the new one: pinned first.
    const champion = deployments.get(model).champion;
    run.champion = champion;
    const pinned = deployments.get(model).since === null;
    if (pinned) await this.changeDeployment(run, { champion, mode: 'none' }, 'pinned before its challenger is loaded');
    await this.step(run, 'load', async () => {
      try {
        const { loaded } = await registry.load(model);
        if (!loaded.includes(version)) throw new Error(`version ${version} was not loaded (loaded: ${loaded.join(', ') || 'none'})`);
      } catch (error) {
        await this.audit({
          kind: 'rejected',
          model,
          version,
          details: { retrain_id: run.id, reasons: [`version ${version} could not be loaded: ${(error as Error).message}`] },
        });
        throw error;
      }
      return { value: undefined, message: `version ${version} loaded` };
    });

    await this.step(run, 'shadow', async () => {
      await this.changeDeployment(
        run,
        { champion, challenger: version, mode: 'shadow' },
        'the new version runs in the shadow of the champion while it is judged',
      );
      return { value: undefined, message: `version ${version} is the challenger of version ${champion}, in shadow` };
    });

    const judged = await this.step(run, 'gate', async () => {
      const labels = registry.resolve(model, version).entry.labels;
      const fresh = labelledSet(await readKeys(join(work, 'fresh.keys.json')), await readSamples(join(work, 'fresh.samples.json')), labels);
      const heldoutSamples = await readSamples(join(work, HELDOUT_SAMPLES)).catch((error: unknown) => {
        throw new Error(`the command left no readable ${HELDOUT_SAMPLES} (the original held-out split) in ${work}: ${(error as Error).message}`);
      });
      const heldoutKeys = Array.from({ length: heldoutSamples.shape[0] ?? 0 }, (_, i) => `gate-${run.id}-heldout-${i}`);
      const heldout = labelledSet(heldoutKeys, heldoutSamples, labels);
      let decision: GateDecision;
      let evidence;
      try {
        evidence = await scoreBothVersions(jobs, model, { champion, challenger: version }, { fresh, heldout }, this.stopping.signal);
        decision = judgeChallenger(evidence.fresh, evidence.heldout, { ...DEFAULT_GATE_SETTINGS, margin: settings.margin });
      } catch (error) {
        await this.audit({
          kind: 'rejected',
          model,
          version,
          details: { retrain_id: run.id, reasons: [`the gate could not judge: ${(error as Error).message}`] },
        });
        throw error;
      }
      const entry = await this.audit({
        kind: 'evaluation',
        model,
        version,
        details: { retrain_id: run.id, champion, challenger: version, ...decision, jobs: evidence.jobs },
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
      const alongside = promotionEntries(evaluation.audit, (previous, current) => ({ ...why, by: 'gate', previous, current }));
      await deployments.promote([{ model, version }], { alongside });
      return { value: 'promoted' as const, message: `version ${version} is the champion; version ${champion} stays loaded for a rollback` };
    });
  }
}
