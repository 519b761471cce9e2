/**
 * The train step of a retraining: RETRAIN_COMMAND run against a snapshot of
 * the registry folder. It must add exactly one version of the model; any
 * other outcome (an exit code, a timeout, no version or several, a manifest
 * that no longer parses, even an audit entry that cannot be written) takes
 * what it added back out. Its retrain_finished entry holds the evidence:
 * exit code, wall time, the end of the output, what was undone.
 */
import type { RetrainRun } from '../../../src/core/api/retrain';
import type { AuditEntry } from '../../../src/core/api/audit';
import type { NewAuditEntry } from '../audit/audit-store';
import type { SplitFile } from '../retrain/export';
import type { RetrainSettings } from '../retrain/settings';
import { RegistrySnapshot } from './registry-snapshot';
import { runRetrainCommand, type CommandOutcome } from './retrain-command';

/** A failure whose step already wrote the run's last audit entry. */
export class AuditedFailure extends Error {
  override readonly name = 'AuditedFailure';
}

export interface TrainStep {
  readonly run: RetrainRun;
  readonly split: SplitFile;
  readonly work: string;
  readonly registry: string;
  readonly settings: RetrainSettings;
  readonly env: NodeJS.ProcessEnv | undefined;
  readonly signal: AbortSignal;
  readonly audit: (entry: NewAuditEntry) => Promise<AuditEntry>;
}

export interface TrainedVersion {
  readonly version: string;
  /** What to undo if the version cannot be loaded after all. */
  readonly snapshot: RegistrySnapshot;
  readonly message: string;
}

function whyNot(outcome: CommandOutcome, added: string[] | null, settings: RetrainSettings, model: string): string | undefined {
  if (outcome.timedOut) return `the command ran past RETRAIN_TIMEOUT_S (${settings.timeoutSeconds} s) and was stopped`;
  if (outcome.code !== 0) return `the command exited with ${outcome.code ?? outcome.signal}`;
  if (added === null) return 'the command left a manifest that does not parse';
  if (added.length !== 1)
    return `the command exited 0 but added ${added.length === 0 ? 'no version' : `${added.length} versions (${added.join(', ')})`} of ${model} to the manifest; one was expected`;
  return undefined;
}

export async function trainNextVersion(step: TrainStep): Promise<TrainedVersion> {
  const { run, split, settings } = step;
  const { model } = run;
  const snapshot = await RegistrySnapshot.take(step.registry, model);
  let outcome: CommandOutcome;
  try {
    outcome = await runRetrainCommand(
      settings.command,
      {
        model,
        fromVersion: run.champion,
        auditId: run.id,
        work: step.work,
        registry: step.registry,
        timeoutMs: settings.timeoutSeconds * 1000,
        signal: step.signal,
      },
      step.env,
    );
  } catch (error) {
    await snapshot.restore();
    throw error;
  }
  const added = outcome.code === 0 && !outcome.timedOut ? await snapshot.added().catch(() => null) : null;
  const why = step.signal.aborted ? 'the server stopped the command' : whyNot(outcome, added, settings, model);
  const version = why === undefined ? (added?.[0] ?? null) : null;
  const restored = version === null ? await snapshot.restore() : [];
  const details = {
    retrain_id: run.id,
    ok: version !== null,
    ...(version === null ? { error: why, restored } : {}),
    exit_code: outcome.code,
    signal: outcome.signal,
    seconds: outcome.seconds,
    log_file: outcome.logFile,
    output_tail: outcome.tail,
    fresh: { count: split.fresh.count, from: split.fresh.from },
    finetune: { count: split.finetune.count, until: split.finetune.until },
  };
  try {
    await step.audit({ kind: 'retrain_finished', model, version, details });
  } catch (error) {
    // Unrecorded, the version must not serve: taken back out.
    if (version !== null) await snapshot.restore();
    throw error;
  }
  if (version === null) throw new AuditedFailure(`${why}; the registry folder is as it was${restored.length > 0 ? ` (undone: ${restored.join(', ')})` : ''}`);
  return { version, snapshot, message: `version ${version} written in ${outcome.seconds.toFixed(1)} s (log: ${outcome.logFile})` };
}
