/**
 * npm run bench:batch — batch serving, in one run on this machine:
 *  (a) raw onnxruntime-node in this process on the same rows, at the pool's
 *      batch size and thread count: the compute-only ceiling (batch/raw.ts);
 *  (b) the batch command's local pool on 200,000 keyed JSONL rows (planning,
 *      reading, parsing, predicting and writing), end to end and past its
 *      fixed start (process, loader, threads, model: the difference of the
 *      20,000- and 200,000-row runs, see batch/command.ts), each against (a);
 *  (c) the command's peak RSS on 20,000 and 200,000 rows: flat in the input;
 *  (d) the same inputs through a BullMQ queue with two worker processes on
 *      this machine, against (b), and what a chunk costs on the queue and in
 *      the pool (batch/queue.ts);
 *  (e) online :predict latency at concurrency 16 while a job over the
 *      200,000 rows runs through the server's API, against none
 *      (batch/online-latency.ts).
 * Each part's measurement lives in a module of batch/; this file runs them in
 * order on inputs written once, and prints the figures beside their targets.
 * BENCH_ROWS scales (b); BATCH_WORKERS sets the pool size (default: the
 * cores); BENCH_PARTS (e.g. "abc") runs some parts ((b) is needed by (c) and (d)).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { marginalRowsPerSecond, predict, rowsPerSecond, type CommandRun } from './batch/command';
import { writeInput } from './batch/inputs';
import { onlineLatencyUnderJob, printOnlineLatency } from './batch/online-latency';
import { measureQueue, printQueue } from './batch/queue';
import { rawRowsPerSecond } from './batch/raw';

const ROWS = Number(process.env['BENCH_ROWS'] ?? 200_000);
const SMALL_ROWS = Math.round(ROWS / 10);
const WORKERS = Number(process.env['BATCH_WORKERS'] ?? availableParallelism());
const PARTS = new Set((process.env['BENCH_PARTS'] || 'abcde').toLowerCase());
const BATCH = 256;
const RAW_SECONDS = 8;
const TARGET = 0.8;

const fmt = (value: number) => value.toFixed(0).padStart(8);
const verdict = (ratio: number) => `${ratio.toFixed(2)}   target >= ${TARGET.toFixed(2)}${ratio >= TARGET ? '' : '   NOT MET'}`;

function printPool(raw: number | undefined, small: CommandRun, large: CommandRun): void {
  const endToEnd = rowsPerSecond(large);
  const marginal = marginalRowsPerSecond(small, large);
  console.log(
    `(b) the batch command on ${large.rows.toLocaleString('en')} JSONL rows:  ${fmt(endToEnd)} rows/s (${large.seconds.toFixed(1)} s, reading, parsing and writing included)`,
  );
  console.log(
    `    past its fixed start:                      ${fmt(marginal)} rows/s (${small.rows.toLocaleString('en')} rows took ${small.seconds.toFixed(1)} s; start ≈ ${(small.seconds - small.rows / marginal).toFixed(1)} s)`,
  );
  if (raw === undefined) return;
  console.log(`    (b)/(a) end to end:           ${verdict(endToEnd / raw)}`);
  console.log(`    (b)/(a) past the fixed start: ${verdict(marginal / raw)}`);
}

function printMemory(small: CommandRun, large: CommandRun): void {
  console.log(
    `(c) peak RSS: ${small.rows.toLocaleString('en')} rows ${small.peakMiB.toFixed(0)} MiB, ${large.rows.toLocaleString('en')} rows ${large.peakMiB.toFixed(0)} MiB`,
  );
  const spread = Math.abs(large.peakMiB - small.peakMiB) / small.peakMiB;
  console.log(`    difference ${(spread * 100).toFixed(1)}%   target within 10%${spread <= 0.1 ? '' : '   NOT MET'}`);
}

const dir = mkdtempSync(join(tmpdir(), 'bench-batch-'));
try {
  console.log(`bench:batch — digits-full, ${WORKERS} workers, batches of ${BATCH}\n`);
  let raw: number | undefined;
  if (PARTS.has('a')) {
    raw = await rawRowsPerSecond(WORKERS, BATCH, RAW_SECONDS);
    console.log(`(a) raw onnxruntime-node, ${WORKERS} intra-op threads:  ${fmt(raw)} rows/s (compute only)`);
  }
  const large = await writeInput(join(dir, 'large.jsonl'), ROWS);
  if (PARTS.has('b') || PARTS.has('c') || PARTS.has('d')) {
    const small = await writeInput(join(dir, 'small.jsonl'), SMALL_ROWS);
    const pool = ['--workers', String(WORKERS)];
    const smallRun = await predict(small, join(dir, 'pool-small'), pool);
    const largeRun = await predict(large, join(dir, 'pool-large'), pool);
    // The outputs go as soon as they are measured: the disk holds one copy at a time.
    for (const name of ['pool-small', 'pool-large']) rmSync(join(dir, name), { recursive: true, force: true });
    if (PARTS.has('b')) printPool(raw, smallRun, largeRun);
    if (PARTS.has('c')) printMemory(smallRun, largeRun);
    if (PARTS.has('d')) printQueue(await measureQueue(dir, small, large, WORKERS), { small: smallRun, large: largeRun }, WORKERS);
  }
  if (PARTS.has('e')) printOnlineLatency(await onlineLatencyUnderJob(dir, large.path));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
