/**
 * The gate step of a retraining: the fresh test set the export kept aside
 * (with its keys) and the held-out split the command left beside it, both
 * scored by champion and challenger through batch jobs, then judged.
 */
import { join } from 'node:path';
import { HELDOUT_SAMPLES } from '../../../src/core/api/retrain';
import { readSamples } from '../../../tools/onnx/samples-file';
import type { BatchJobs } from '../../batch/service/batch-jobs';
import type { ModelRegistry } from '../../serving/registry';
import { DEFAULT_GATE_SETTINGS, judgeChallenger, type GateDecision } from './challenger-gate';
import { labelledSet, readKeys, scoreBothVersions } from './gate-jobs';

export interface GateRun {
  readonly jobs: BatchJobs;
  readonly registry: ModelRegistry;
  readonly model: string;
  readonly versions: { readonly champion: string; readonly challenger: string };
  /** The run's folder: fresh.samples.json and fresh.keys.json from the export, HELDOUT_SAMPLES from the command. */
  readonly work: string;
  readonly runId: string;
  readonly margin: number;
  readonly signal: AbortSignal;
}

export async function judgeOnGateSets(gate: GateRun): Promise<{ decision: GateDecision; jobs: { champion: string; challenger: string } }> {
  const { work, model, versions } = gate;
  const labels = gate.registry.resolve(model, versions.challenger).entry.labels;
  const fresh = labelledSet(await readKeys(join(work, 'fresh.keys.json')), await readSamples(join(work, 'fresh.samples.json')), labels);
  const heldoutSamples = await readSamples(join(work, HELDOUT_SAMPLES)).catch((error: unknown) => {
    throw new Error(`the command left no readable ${HELDOUT_SAMPLES} (the original held-out split) in ${work}: ${(error as Error).message}`);
  });
  // Keys of their own, so they never join anyone's labels.
  const heldoutKeys = Array.from({ length: heldoutSamples.shape[0] ?? 0 }, (_, i) => `gate-${gate.runId}-heldout-${i}`);
  const heldout = labelledSet(heldoutKeys, heldoutSamples, labels);
  const evidence = await scoreBothVersions(gate.jobs, model, versions, { fresh, heldout }, gate.signal);
  return { decision: judgeChallenger(evidence.fresh, evidence.heldout, { ...DEFAULT_GATE_SETTINGS, margin: gate.margin }), jobs: evidence.jobs };
}
