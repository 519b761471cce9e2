/**
 * npm run bench:server — in one run on this machine:
 *  (a) onnxruntime-node in-process, the full model, at batch sizes 1, 8, 32, 64;
 *  (b) the server over loopback HTTP (wrk, or autocannon without it; one keyed
 *      instance a request)
 *      at concurrency 1, 16 and 64 with dynamic batching;
 *  (c) the same with batching off.
 * Prints instances per second, p50 and p99 latency, the mean batch size, and
 * the ratios (b)/(a) at the same mean batch size and (b)/(c).
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MODEL_PACK_DIR, modelForRole, parseManifest } from '../../src/core/manifest';
import { spawnServer } from '../../test/server/spawn-server';
import { drawnPixels } from '../../test/drawn-digits';
import { chooseLoadGenerator, LOADS, type LoadGenerator } from './load';
import { createSession, DEFAULT_INTRA_OP_THREADS, runFloat32, sessionOptions } from '../onnx/runtime';

const DURATION_S = Number(process.env['BENCH_SECONDS'] ?? 6);
// One set of settings for (a) and the spawned server, named as the server names them.
const MODEL_REPOSITORY = process.env['MODEL_REPOSITORY'] || MODEL_PACK_DIR;
const INTRA_OP_THREADS = Number(process.env['INTRA_OP_THREADS'] || DEFAULT_INTRA_OP_THREADS);
const INTRA_OP_SPINNING = !['off', 'false', '0'].includes(process.env['INTRA_OP_SPINNING'] || 'on');
if (!Number.isInteger(INTRA_OP_THREADS) || INTRA_OP_THREADS < 1) throw new Error('INTRA_OP_THREADS must be a positive integer');
const CONCURRENCY = [1, 16, 64];
const RAW_BATCHES = [1, 8, 32, 64];

interface HttpResult {
  concurrency: number;
  perSecond: number;
  p50: number;
  p99: number;
  meanBatch: number;
  errors: number;
}

/** (a): a session in this process, with the server's session options, run back to back. */
async function rawThroughput(batch: number): Promise<number> {
  const manifest = parseManifest(JSON.parse(await readFile(join(MODEL_REPOSITORY, 'manifest.json'), 'utf8')));
  const entry = modelForRole(manifest, 'cloud');
  const session = await createSession(join(MODEL_REPOSITORY, entry.file), sessionOptions(INTRA_OP_THREADS, INTRA_OP_SPINNING));
  const input = new Float32Array(batch * 784);
  for (let i = 0; i < batch; i++) input.set(drawnPixels(i % 10), i * 784);
  // A fresh input tensor each run, as the server's inference thread makes one.
  const run = () => runFloat32(session, entry.inputs[0]?.name ?? '', input, [batch, 1, 28, 28]);
  await run();
  const until = performance.now() + DURATION_S * 1000 * 0.5;
  let rows = 0;
  const started = performance.now();
  while (performance.now() < until) {
    await run();
    rows += batch;
  }
  const perSecond = rows / ((performance.now() - started) / 1000);
  await session.release();
  return perSecond;
}

async function startServer(batching: boolean): Promise<{ base: string; child: ChildProcess }> {
  return spawnServer({
    BATCHING: batching ? 'on' : 'off',
    MAX_QUEUE_ROWS: '100000',
    MODEL_REPOSITORY,
    INTRA_OP_THREADS: String(INTRA_OP_THREADS),
    INTRA_OP_SPINNING: INTRA_OP_SPINNING ? 'on' : 'off',
  });
}

async function counters(base: string): Promise<{ instances: number; batches: number }> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const read = (name: string) => Number(text.match(new RegExp(`^${name}\\{model="digits-full",version="1"\\} (\\d+)`, 'm'))?.[1] ?? 0);
  return { instances: read('inference_instances_total'), batches: read('inference_batches_total') };
}

async function httpLoad(generator: LoadGenerator, base: string, concurrency: number, seconds = DURATION_S): Promise<HttpResult> {
  const body = JSON.stringify({ instances: [{ key: 'bench', pixels: drawnPixels(7) }] });
  const before = await counters(base);
  const result = await LOADS[generator](`${base}/v1/models/digits-full:predict`, body, concurrency, seconds);
  const after = await counters(base);
  const instances = after.instances - before.instances;
  return { concurrency, ...result, meanBatch: instances / Math.max(1, after.batches - before.batches) };
}

async function serverRuns(generator: LoadGenerator, batching: boolean): Promise<HttpResult[]> {
  const { base, child } = await startServer(batching);
  const results: HttpResult[] = [];
  try {
    // Warm the JIT, the batcher and the connection pool at the heaviest load first.
    await httpLoad(generator, base, CONCURRENCY.at(-1) ?? 64, Math.max(2, DURATION_S / 2));
    for (const c of CONCURRENCY) results.push(await httpLoad(generator, base, c));
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
  return results;
}

const fmt = (n: number, digits = 0) => n.toFixed(digits).padStart(9);

async function main(): Promise<void> {
  const generator = await chooseLoadGenerator();
  console.log(`bench:server — full model, ${DURATION_S} s per HTTP run, one keyed instance per request, load from ${generator}\n`);
  console.log('(a) onnxruntime-node in-process');
  console.log('    batch   inst/s');
  const raw = new Map<number, number>();
  for (const batch of RAW_BATCHES) {
    raw.set(batch, await rawThroughput(batch));
    console.log(`${fmt(batch)} ${fmt(raw.get(batch) ?? 0)}`);
  }
  const batched = await serverRuns(generator, true);
  const unbatched = await serverRuns(generator, false);
  for (const [label, results] of [
    ['(b) server, dynamic batching', batched],
    ['(c) server, batching off', unbatched],
  ] as const) {
    console.log(`\n${label}`);
    console.log('  concurrency   inst/s   p50 ms   p99 ms  mean batch   errors');
    for (const r of results)
      console.log(
        `${fmt(r.concurrency, 0).padStart(13)}${fmt(r.perSecond)}${fmt(r.p50, 1)}${fmt(r.p99, 1)}${fmt(r.meanBatch, 1).padStart(12)}${fmt(r.errors)}`,
      );
  }

  const top = batched.at(-1) as HttpResult;
  const off = unbatched.at(-1) as HttpResult;
  const sameBatch = Math.max(1, Math.round(top.meanBatch));
  const rawAtSame = raw.get(sameBatch) ?? (await rawThroughput(sameBatch));
  console.log(`\nratios at concurrency ${top.concurrency}`);
  console.log(
    `  (b)/(a) at the same mean batch size (${sameBatch}): ${(top.perSecond / rawAtSame).toFixed(2)}  (${top.perSecond.toFixed(0)} vs ${rawAtSame.toFixed(0)} inst/s; target >= 0.90)`,
  );
  console.log(`  (b)/(c): ${(top.perSecond / off.perSecond).toFixed(2)}  (${top.perSecond.toFixed(0)} vs ${off.perSecond.toFixed(0)} inst/s; target >= 3)`);
}

await main();
