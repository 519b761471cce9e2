/**
 * bench:batch (a): raw onnxruntime-node in this process on the same rows, at
 * the pool's batch size and thread count (one session with as many intra-op
 * threads as the pool has workers; session.run is synchronous, so sessions
 * in one thread would not run side by side): the compute-only ceiling.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODEL_PACK_DIR, modelForRole, parseManifest } from '../../../src/core/manifest';
import { drawnPixels } from '../../../test/drawn-digits';
import { createSession, runFloat32, sessionOptions } from '../../onnx/runtime';

/** One session of `threads` intra-op threads running batches of `batch` rows back to back for `seconds`. */
export async function rawRowsPerSecond(threads: number, batch: number, seconds: number): Promise<number> {
  const manifest = parseManifest(JSON.parse(readFileSync(join(MODEL_PACK_DIR, 'manifest.json'), 'utf8')));
  const entry = modelForRole(manifest, 'cloud');
  const input = new Float32Array(batch * 784);
  for (let i = 0; i < batch; i++) input.set(drawnPixels(i % 10), i * 784);
  const session = await createSession(join(MODEL_PACK_DIR, entry.file), sessionOptions(threads, true));
  const name = entry.inputs[0]?.name ?? '';
  await runFloat32(session, name, input, [batch, 1, 28, 28]);
  let rows = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  while (performance.now() < until) {
    await runFloat32(session, name, input, [batch, 1, 28, 28]);
    rows += batch;
  }
  const perSecond = rows / ((performance.now() - started) / 1000);
  await session.release();
  return perSecond;
}
