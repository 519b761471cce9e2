/**
 * npm run bench:batch — batch serving, in one run on this machine:
 *  (a) raw onnxruntime-node in this process on the same rows, at the pool's
 *      batch size (256) and thread count (one session with as many intra-op
 *      threads as the pool has workers; session.run is synchronous, so
 *      sessions in one thread would not run side by side): the compute-only
 *      ceiling;
 *  (b) the batch command's local pool on 200,000 keyed JSONL rows (reading,
 *      parsing, predicting and writing), and its ratio to (a);
 *  (c) the command's peak RSS on 20,000 and 200,000 rows: flat in the input.
 * BENCH_ROWS scales (b); BATCH_WORKERS sets the pool size (default: the cores).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { MODEL_PACK_DIR, modelForRole, parseManifest } from '../../src/core/manifest';
import { drawnPixels } from '../../test/drawn-digits';
import { createSession, runFloat32, sessionOptions } from '../onnx/runtime';

const ROWS = Number(process.env['BENCH_ROWS'] ?? 200_000);
const SMALL_ROWS = Math.round(ROWS / 10);
const WORKERS = Number(process.env['BATCH_WORKERS'] ?? availableParallelism());
const BATCH = 256;
const RAW_SECONDS = 8;

async function writeInput(path: string, rows: number): Promise<void> {
  const lines = Array.from({ length: 10 }, (_, d) => JSON.stringify(drawnPixels(d)));
  const out = createWriteStream(path);
  for (let i = 0; i < rows; i++) {
    if (!out.write(`{"key":"row-${i}","pixels":${lines[i % 10]}}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** (a): one session of WORKERS intra-op threads running batches of BATCH back to back. */
async function rawRowsPerSecond(): Promise<number> {
  const manifest = parseManifest(JSON.parse(readFileSync(join(MODEL_PACK_DIR, 'manifest.json'), 'utf8')));
  const entry = modelForRole(manifest, 'cloud');
  const input = new Float32Array(BATCH * 784);
  for (let i = 0; i < BATCH; i++) input.set(drawnPixels(i % 10), i * 784);
  const session = await createSession(join(MODEL_PACK_DIR, entry.file), sessionOptions(WORKERS, true));
  const name = entry.inputs[0]?.name ?? '';
  await runFloat32(session, name, input, [BATCH, 1, 28, 28]);
  let rows = 0;
  const until = performance.now() + RAW_SECONDS * 1000;
  const started = performance.now();
  while (performance.now() < until) {
    await runFloat32(session, name, input, [BATCH, 1, 28, 28]);
    rows += BATCH;
  }
  const perSecond = rows / ((performance.now() - started) / 1000);
  await session.release();
  return perSecond;
}

/** Runs the batch command; returns its wall time and the peak RSS of its process (VmHWM, polled). */
async function runCommand(input: string, output: string): Promise<{ seconds: number; peakMiB: number }> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'server/batch/cli/main.ts', 'predict', '--model', 'digits-full', '--input', input, '--output', output, '--workers', String(WORKERS)],
    { stdio: ['ignore', 'ignore', 'ignore'] },
  );
  let peakKiB = 0;
  const poll = setInterval(() => {
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      peakKiB = Math.max(peakKiB, Number(hwm?.[1] ?? 0));
    } catch {
      // The process has ended.
    }
  }, 100);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearInterval(poll);
  if (code !== 0) throw new Error(`the batch command exited with ${code}`);
  return { seconds: (performance.now() - started) / 1000, peakMiB: peakKiB / 1024 };
}

const dir = mkdtempSync(join(tmpdir(), 'bench-batch-'));
try {
  console.log(`bench:batch — digits-full, ${WORKERS} workers, batches of ${BATCH}\n`);
  const raw = await rawRowsPerSecond();
  console.log(`(a) raw onnxruntime-node, ${WORKERS} intra-op threads:  ${raw.toFixed(0).padStart(8)} rows/s (compute only)`);
  const runs: { rows: number; seconds: number; peakMiB: number }[] = [];
  for (const rows of [SMALL_ROWS, ROWS]) {
    const input = join(dir, `input-${rows}.jsonl`);
    await writeInput(input, rows);
    runs.push({ rows, ...(await runCommand(input, join(dir, `out-${rows}`))) });
    rmSync(input);
  }
  const [small, large] = runs as [(typeof runs)[0], (typeof runs)[0]];
  const perSecond = large.rows / large.seconds;
  console.log(
    `(b) the batch command on ${large.rows.toLocaleString('en')} JSONL rows:  ${perSecond.toFixed(0).padStart(8)} rows/s (${large.seconds.toFixed(1)} s, reading, parsing and writing included)`,
  );
  console.log(`    (b)/(a): ${(perSecond / raw).toFixed(2)}   target >= 0.80${perSecond / raw >= 0.8 ? '' : '   NOT MET'}`);
  console.log(
    `(c) peak RSS: ${small.rows.toLocaleString('en')} rows ${small.peakMiB.toFixed(0)} MiB, ${large.rows.toLocaleString('en')} rows ${large.peakMiB.toFixed(0)} MiB`,
  );
  const spread = Math.abs(large.peakMiB - small.peakMiB) / small.peakMiB;
  console.log(`    difference ${(spread * 100).toFixed(1)}%   target within 10%${spread <= 0.1 ? '' : '   NOT MET'}`);
  console.log('(d) queue workers (BullMQ): not built yet');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
