/**
 * Occlusion sensitivity: blank one patch of the input at a time and measure
 * how much the probability of the predicted label falls. Large values mark
 * the regions that carried the decision.
 */
import { argmax, softmax } from '../../../src/core/math/probabilities';
import { ServiceError } from '../../../src/core/api/errors';
import type { OcclusionMap } from '../../../src/core/api/predict';
import { lowPriorityCap } from '../batching/batcher';
import type { ServingModel } from '../model';

const GRID = 7;

type Run = (input: Float32Array, rows: number) => Promise<Float32Array>;

/** The map, and the logits of the untouched input (row 0 of the same runs). */
export async function occlusionMap(model: ServingModel, input: Float32Array, run: Run): Promise<{ explanation: OcclusionMap; logits: Float32Array }> {
  const dims = model.input.shape.slice(1);
  if (dims.length < 2) throw new ServiceError('UNSUPPORTED_SIGNATURE', `signature "explain" needs an image input; ${model.entry.name} takes ${dims.join('x')}`);
  const height = dims.at(-2) ?? 1;
  const width = dims.at(-1) ?? 1;
  const planes = model.rowSize / (height * width);
  const patch = Math.ceil(Math.max(height, width) / GRID);
  const rows = Math.ceil(height / patch);
  const cols = Math.ceil(width / patch);

  // Row 0 is the untouched input; row 1 + r * cols + c has patch (r, c) blanked.
  const variants = new Float32Array((1 + rows * cols) * model.rowSize);
  variants.set(input, 0);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const offset = (1 + r * cols + c) * model.rowSize;
      const copy = variants.subarray(offset, offset + model.rowSize);
      copy.set(input);
      for (let p = 0; p < planes; p++) {
        for (let y = r * patch; y < Math.min(height, (r + 1) * patch); y++) {
          copy.fill(0, p * height * width + y * width + c * patch, p * height * width + y * width + Math.min(width, (c + 1) * patch));
        }
      }
    }
  }
  // Small chunks, all submitted at once: alone they merge into full batches; with cheap requests waiting,
  // the batcher seats at most one chunk's worth per batch beside them (the caller runs them at low priority).
  const total = 1 + rows * cols;
  const chunk = lowPriorityCap(model.stats().maxBatchSize);
  const logits = new Float32Array(total * model.classes);
  const runs: Promise<void>[] = [];
  for (let start = 0; start < total; start += chunk) {
    const n = Math.min(chunk, total - start);
    runs.push(run(variants.subarray(start * model.rowSize, (start + n) * model.rowSize), n).then((out) => logits.set(out, start * model.classes)));
  }
  await Promise.all(runs);
  const probabilityOfLabel = (row: number, label: number) => softmax(logits.subarray(row * model.classes, (row + 1) * model.classes))[label] ?? 0;
  const label = argmax(logits.subarray(0, model.classes));
  const base = probabilityOfLabel(0, label);
  const drop = Array.from({ length: rows }, (_, r) =>
    Array.from({ length: cols }, (_, c) => Math.round((base - probabilityOfLabel(1 + r * cols + c, label)) * 1e4) / 1e4),
  );
  return { explanation: { method: 'occlusion', patch, rows, cols, drop }, logits: logits.slice(0, model.classes) };
}
