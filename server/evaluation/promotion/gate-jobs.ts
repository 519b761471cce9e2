/**
 * The gate's evidence: one batch job per version (champion, challenger) over
 * the same input, the fresh test set with its own keys followed by the
 * original held-out split, run by the batch engine with `log` on, so the
 * answers also reach the prediction log and the monitoring windows show
 * both versions on the same keys. Their answers are paired by key with the
 * labels for judgeChallenger.
 */
import { createReadStream } from 'node:fs';
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { BatchJobOptions, FINISHED_STATES } from '../../../src/core/api/batch';
import type { Samples } from '../../../tools/onnx/samples-file';
import type { BatchJobs } from '../../batch/service/batch-jobs';
import type { PairedAnswer } from './challenger-gate';

/** A labelled set the gate scores: its rows' keys, inputs and labels (as the model's label names). */
export interface GateSet {
  readonly keys: readonly string[];
  readonly samples: Samples;
  readonly labels: readonly string[];
}

export interface GateEvidence {
  readonly fresh: PairedAnswer[];
  readonly heldout: PairedAnswer[];
  /** The batch job of each version, for the audit entry. */
  readonly jobs: { readonly champion: string; readonly challenger: string };
}

const POLL_MS = 200;

/** A labelled set from a samples file whose labels are indices into the model's labels. */
export function labelledSet(keys: readonly string[], samples: Samples, labelNames: readonly string[]): GateSet {
  const rows = samples.shape[0] ?? 0;
  if (keys.length !== rows) throw new Error(`${keys.length} keys for ${rows} rows`);
  const labels = (samples.labels ?? []).map((index) => {
    const name = labelNames[index];
    if (name === undefined) throw new Error(`label index ${index} is not one of the model's ${labelNames.length} labels`);
    return name;
  });
  if (labels.length !== rows) throw new Error(`${labels.length} labels for ${rows} rows`);
  return { keys, samples, labels };
}

/** Writes the sets as one JSONL input, `{"key", "pixels"}` per row (float32 values print and parse back exactly). */
async function writeInput(path: string, sets: readonly GateSet[]): Promise<void> {
  const file = await open(path, 'w');
  try {
    for (const set of sets) {
      const size = set.samples.data.length / set.keys.length;
      for (let i = 0; i < set.keys.length; i++) {
        const pixels = Array.from(set.samples.data.subarray(i * size, (i + 1) * size));
        await file.write(`${JSON.stringify({ key: set.keys[i], pixels })}\n`);
      }
    }
  } finally {
    await file.close();
  }
}

/** key → predicted label, from a finished job's prediction files. */
async function answersOf(jobs: BatchJobs, id: string): Promise<Map<string, string>> {
  const answers = new Map<string, string>();
  for (const path of await jobs.files(id, 'predictions')) {
    for await (const line of createInterface({ input: createReadStream(path) })) {
      if (!line) continue;
      const { key, label } = JSON.parse(line) as { key: string; label: string };
      answers.set(key, label);
    }
  }
  return answers;
}

async function finished(jobs: BatchJobs, id: string, signal: AbortSignal | undefined): Promise<void> {
  for (;;) {
    const status = await jobs.get(id);
    if (FINISHED_STATES.includes(status.state)) {
      if (status.state !== 'succeeded')
        throw new Error(`batch job ${id} (${status.model} version ${status.model_version}) ${status.state}: ${status.message ?? ''}`);
      if (status.failed > 0) throw new Error(`batch job ${id} (${status.model} version ${status.model_version}) refused ${status.failed} rows; see its errors`);
      return;
    }
    signal?.throwIfAborted();
    await sleep(POLL_MS);
  }
}

function paired(set: GateSet, champion: Map<string, string>, challenger: Map<string, string>): PairedAnswer[] {
  return set.keys.map((key, i) => {
    const first = champion.get(key);
    const second = challenger.get(key);
    if (first === undefined || second === undefined) throw new Error(`the gate's jobs gave no answer for key ${JSON.stringify(key)}`);
    return { label: set.labels[i] as string, first, second };
  });
}

/** Scores both sets with both versions through the batch engine and pairs the answers by key. */
export async function scoreBothVersions(
  jobs: BatchJobs,
  model: string,
  versions: { readonly champion: string; readonly challenger: string },
  sets: { readonly fresh: GateSet; readonly heldout: GateSet },
  signal?: AbortSignal,
): Promise<GateEvidence> {
  const options = (version: string) => BatchJobOptions.parse({ model, version, max_error_rate: 0, log: true });
  const first = await jobs.newFolder();
  const input = join(first.folder, 'gate.jsonl');
  const created: string[] = [];
  try {
    await writeInput(input, [sets.fresh, sets.heldout]);
    const shown = `the champion/challenger gate's sets (fresh test set and held-out split) of ${model}`;
    await jobs.create(options(versions.champion), { path: input, shown }, first.id);
    created.push(first.id);
    const second = await jobs.newFolder();
    await jobs.create(options(versions.challenger), { path: input, shown }, second.id);
    created.push(second.id);
    await finished(jobs, first.id, signal);
    await finished(jobs, second.id, signal);
    const champion = await answersOf(jobs, first.id);
    const challenger = await answersOf(jobs, second.id);
    return {
      fresh: paired(sets.fresh, champion, challenger),
      heldout: paired(sets.heldout, champion, challenger),
      jobs: { champion: first.id, challenger: second.id },
    };
  } catch (error) {
    // Nobody will judge their answers: the jobs stop rather than resume on the next start.
    for (const id of created) await jobs.cancel(id).catch(() => undefined);
    throw error;
  } finally {
    // The answers are in the jobs' outputs and the prediction log; the input (tens of MB) goes.
    await rm(input, { force: true });
  }
}

/** The keys file the export wrote beside a samples file (finetune.keys.json, fresh.keys.json). */
export async function readKeys(path: string): Promise<string[]> {
  return JSON.parse(await readFile(path, 'utf8')) as string[];
}
