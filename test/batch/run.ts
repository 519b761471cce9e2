/**
 * Runs the batch command line in this process, as a user would from a shell,
 * and keeps what it printed; and the model's own answer on the same inputs
 * (onnxruntime-node on the model file, no serving code), to compare labels.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODEL_PACK_DIR } from '../../src/core/manifest';
import { argmax } from '../../src/core/math/probabilities';
import { runRows } from '../../tools/onnx/evaluate';
import { runBatchCli } from '../../server/batch/cli/cli';
import { packModel } from '../drawn-digits';

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export async function batch(args: readonly string[], env: Record<string, string> = {}, signal?: AbortSignal): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await runBatchCli(args, { env, out: (t) => (out += t), err: (l) => (err += `${l}\n`), errRaw: (t) => (err += t), terminal: false }, signal);
  return { code, out, err };
}

/** The labels the model file gives on these inputs (784 values each), by a direct onnxruntime run: the manifest's label of each top score. */
export async function oracleLabels(model: string, inputs: readonly ArrayLike<number>[]): Promise<string[]> {
  const entry = packModel(model);
  const data = new Float32Array(inputs.length * 784);
  inputs.forEach((row, i) => data.set(Array.from(row), i * 784));
  const rows = await runRows(readFileSync(join(MODEL_PACK_DIR, entry.file)), { shape: [inputs.length, 1, 28, 28], data });
  return rows.map((row) => {
    const label = entry.labels[argmax(row)];
    if (label === undefined) throw new Error(`${model} gave ${row.length} scores for ${entry.labels.length} labels`);
    return label;
  });
}
