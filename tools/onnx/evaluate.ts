/**
 * Measures ONNX models on sample sets with onnxruntime-node: their outputs,
 * accuracy, and agreement between two models.
 */
import { argmax } from '../../src/core/math/probabilities';
import { createSession, runFloat32 } from './runtime';
import type { Samples } from './samples-file';

/** Runs a model over samples in batches and returns the first output, one row per sample. */
export async function runRows(model: Uint8Array | string, samples: Samples, batchSize = 256): Promise<Float32Array[]> {
  // onnxruntime's defaults, as before: the manifest's accuracies, compared exactly, were measured with them.
  const session = await createSession(model);
  const inputName = samples.input ?? session.inputNames[0] ?? '';
  const outputName = session.outputNames[0] ?? '';
  const count = samples.shape[0] ?? 0;
  const perSample = samples.data.length / count;
  const rows: Float32Array[] = [];
  try {
    for (let start = 0; start < count; start += batchSize) {
      const n = Math.min(batchSize, count - start);
      const input = samples.data.subarray(start * perSample, (start + n) * perSample);
      const data = (await runFloat32(session, inputName, input, [n, ...samples.shape.slice(1)]))[outputName] as Float32Array;
      const width = data.length / n;
      for (let r = 0; r < n; r++) rows.push(data.slice(r * width, (r + 1) * width));
    }
  } finally {
    await session.release();
  }
  return rows;
}

export function accuracyOf(rows: readonly Float32Array[], labels: readonly number[]): number {
  let correct = 0;
  rows.forEach((row, i) => {
    if (argmax(row) === labels[i]) correct++;
  });
  return correct / rows.length;
}

/** Share of rows on which two models pick the same label. */
export function agreement(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  let same = 0;
  a.forEach((row, i) => {
    if (argmax(row) === argmax(b[i] ?? [])) same++;
  });
  return same / a.length;
}
