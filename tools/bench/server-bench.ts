/**
 * npm run bench:server — in one run on this machine:
 *  (a) onnxruntime-node in-process, the full model, at batch sizes 1, 8, 32, 64;
 *  (b) the server over loopback HTTP (wrk, or autocannon without it; one keyed
 *      instance a request)
 *      at concurrency 1, 16 and 64 with dynamic batching;
 *  (c) the same with batching off;
 *  (d) cheap :predict requests alone and under a flood of explain requests;
 *  (e) 64-instance requests at their peak and under overload (200 connections);
 *  (f) the price of a shadow: cheap :predict requests with the champion alone,
 *      then with a challenger (a second version of the same model) shadowing
 *      all of its traffic, then alone again.
 * Prints instances per second, p50 and p99 latency, the mean batch size, and
 * the ratios (b)/(a) at the same mean batch size, (b)/(c), (d) flood/alone,
 * (e) overload/peak and (f) shadowing/alone. BENCH_PARTS (e.g. "de") runs some
 * parts only.
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MODEL_PACK_DIR, modelForRole, parseManifest } from '../../src/core/manifest';
import { registryCopy } from '../../test/server/folders';
import { spawnServer } from '../../test/server/spawn-server';
import { drawnPixels } from '../../test/drawn-digits';
import { chooseLoadGenerator, LOADS, type LoadGenerator, type LoadResult } from './load';
import { createSession, DEFAULT_INTRA_OP_THREADS, runFloat32, sessionOptions } from '../onnx/runtime';

const DURATION_S = Number(process.env['BENCH_SECONDS'] ?? 6);
// One set of settings for (a) and the spawned server, named as the server names them.
const MODEL_REPOSITORY = process.env['MODEL_REPOSITORY'] || MODEL_PACK_DIR;
const INTRA_OP_THREADS = Number(process.env['INTRA_OP_THREADS'] || DEFAULT_INTRA_OP_THREADS);
const INTRA_OP_SPINNING = !['off', 'false', '0'].includes(process.env['INTRA_OP_SPINNING'] || 'on');
if (!Number.isInteger(INTRA_OP_THREADS) || INTRA_OP_THREADS < 1) throw new Error('INTRA_OP_THREADS must be a positive integer');
const CONCURRENCY = [1, 16, 64];
const RAW_BATCHES = [1, 8, 32, 64];
const PARTS = new Set((process.env['BENCH_PARTS'] || 'abcdef').toLowerCase());
// (d): cheap requests at this many connections, explain requests at that many meanwhile.
const CHEAP_CONNECTIONS = 64;
const EXPLAIN_CONNECTIONS = 8;
// Each explain request as large as the server allows by default (EXPLAIN_MAX_INSTANCES).
const EXPLAIN_INSTANCES = 16;
// (e): instances per request, the concurrencies probed for the peak (their rows fit the default queue), and the overload.
const BIG_REQUEST = 64;
const PEAK_CONCURRENCY = [1, 4, 16];
const OVERLOAD_CONNECTIONS = 200;

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

async function startServer(env: Record<string, string>): Promise<{ base: string; child: ChildProcess }> {
  return spawnServer({
    MODEL_REPOSITORY,
    INTRA_OP_THREADS: String(INTRA_OP_THREADS),
    INTRA_OP_SPINNING: INTRA_OP_SPINNING ? 'on' : 'off',
    ...env,
  });
}

async function stopServer(child: ChildProcess): Promise<void> {
  child.kill('SIGTERM');
  await once(child, 'exit');
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
  const { base, child } = await startServer({ BATCHING: batching ? 'on' : 'off', MAX_QUEUE_ROWS: '100000' });
  const results: HttpResult[] = [];
  try {
    // Warm the JIT, the batcher and the connection pool at the heaviest load first.
    await httpLoad(generator, base, CONCURRENCY.at(-1) ?? 64, Math.max(2, DURATION_S / 2));
    for (const c of CONCURRENCY) results.push(await httpLoad(generator, base, c));
  } finally {
    await stopServer(child);
  }
  return results;
}

const predictUrl = (base: string) => `${base}/v1/models/digits-full:predict`;
const keyedBody = (instances: number, signature?: string) =>
  JSON.stringify({
    ...(signature ? { signature } : {}),
    instances: Array.from({ length: instances }, (_, i) => ({ key: `k${i}`, pixels: drawnPixels(i % 10) })),
  });

interface FloodResult {
  readonly alone: LoadResult;
  readonly cheap: LoadResult;
  readonly explain: LoadResult;
}

/** (d): cheap requests alone, then the same while explain requests flood the same model. The server runs with its defaults. */
async function explainFlood(generator: LoadGenerator): Promise<FloodResult> {
  const { base, child } = await startServer({});
  const cheapBody = keyedBody(1);
  const cheapLoad = () => LOADS[generator](predictUrl(base), cheapBody, CHEAP_CONNECTIONS, DURATION_S);
  try {
    await LOADS[generator](predictUrl(base), cheapBody, CHEAP_CONNECTIONS, Math.max(2, DURATION_S / 2));
    const alone = await cheapLoad();
    // Two load generators at once, each timing its own requests: only the cheap ones count.
    const [cheap, explain] = await Promise.all([
      cheapLoad(),
      LOADS[generator](predictUrl(base), keyedBody(EXPLAIN_INSTANCES, 'explain'), EXPLAIN_CONNECTIONS, DURATION_S, { timeoutSeconds: 30 }),
    ]);
    return { alone, cheap, explain };
  } finally {
    await stopServer(child);
  }
}

interface OverloadResult {
  /** Each probed concurrency with its useful instances per second. */
  readonly peak: readonly { readonly concurrency: number; readonly result: LoadResult }[];
  readonly overload: LoadResult;
  /** Latency of /v2/health/live, asked every 50 ms during the overload. */
  readonly liveP50: number;
  readonly liveP95: number;
  readonly liveMax: number;
}

/** Asks for liveness every `everyMs` until `stop` resolves; returns each answer's time in ms. */
async function probeLiveness(base: string, everyMs: number, stop: Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  let done = false;
  void stop.finally(() => (done = true));
  while (!done) {
    const started = performance.now();
    await fetch(`${base}/v2/health/live`).then(
      (r) => r.arrayBuffer(),
      () => undefined,
    );
    times.push(performance.now() - started);
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return times;
}

const quantile = (values: readonly number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
};

/** (e): 64-instance requests at a few concurrencies within the queue bound, then at 200 connections. The server runs with its defaults. */
async function overload(generator: LoadGenerator): Promise<OverloadResult> {
  const { base, child } = await startServer({});
  const body = keyedBody(BIG_REQUEST);
  const load = (connections: number) => LOADS[generator](predictUrl(base), body, connections, DURATION_S, { timeoutSeconds: 30 });
  try {
    await LOADS[generator](predictUrl(base), body, PEAK_CONCURRENCY.at(-1) ?? 16, Math.max(2, DURATION_S / 2));
    const peak: { concurrency: number; result: LoadResult }[] = [];
    for (const concurrency of PEAK_CONCURRENCY) peak.push({ concurrency, result: await load(concurrency) });
    const flood = load(OVERLOAD_CONNECTIONS);
    const live = await probeLiveness(base, 50, flood);
    return { peak, overload: await flood, liveP50: quantile(live, 0.5), liveP95: quantile(live, 0.95), liveMax: Math.max(...live) };
  } finally {
    await stopServer(child);
  }
}

/** A copy of the model pack where the cloud model has a version 2: its version 1's file, so both cost the same. */
function packWithChallenger(): { dir: string; model: string } {
  const dir = registryCopy();
  const path = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as { models: { name: string; version: string; role: string; file: string; reference?: unknown }[] };
  const champion = manifest.models.find((m) => m.role === 'cloud' && m.version === '1');
  if (!champion) throw new Error(`no cloud model of version 1 in ${path}`);
  mkdirSync(join(dir, champion.name, '2'), { recursive: true });
  copyFileSync(join(dir, champion.file), join(dir, champion.name, '2', 'model.onnx'));
  const { reference: _reference, ...entry } = champion;
  manifest.models.push({ ...entry, version: '2', file: `${champion.name}/2/model.onnx` });
  writeFileSync(path, JSON.stringify(manifest));
  return { dir, model: champion.name };
}

interface ShadowPriceResult {
  readonly runs: readonly { readonly label: string; readonly result: LoadResult; readonly shadow: Readonly<Record<string, number>> }[];
}

/**
 * (f): cheap :predict requests at 64 connections with the champion alone, then
 * shadowed at 100% by its challenger, then alone again (the machine drifts).
 * Without the prediction log, so the price is the shadow's own: copying the
 * rows after each answer and running the challenger. The server runs with its defaults.
 */
async function shadowPrice(generator: LoadGenerator): Promise<ShadowPriceResult> {
  const { dir, model } = packWithChallenger();
  const token = 'bench-admin-token-0123456789';
  const { base, child } = await startServer({ MODEL_REPOSITORY: dir, ADMIN_TOKEN: token });
  const url = `${base}/v1/models/${model}:predict`;
  const body = keyedBody(1);
  const deploy = async (deployment: object) => {
    const response = await fetch(`${base}/v1/models/${model}/deployment`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(deployment),
    });
    if (!response.ok) throw new Error(`PUT deployment: ${response.status} ${await response.text()}`);
  };
  const shadowCounts = async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    const counts: Record<string, number> = {};
    for (const m of text.matchAll(/^shadow_requests_total\{[^}]*outcome="(\w+)"\} (\d+)/gm)) counts[m[1] as string] = Number(m[2]);
    return counts;
  };
  const run = async (label: string) => {
    const before = await shadowCounts();
    const result = await LOADS[generator](url, body, CHEAP_CONNECTIONS, DURATION_S);
    // Shadow runs still in flight when the load stops finish (or fail) before the counts are read.
    await new Promise((r) => setTimeout(r, 500));
    const after = await shadowCounts();
    const shadow = Object.fromEntries(['answered', 'dropped', 'failed'].map((o) => [o, (after[o] ?? 0) - (before[o] ?? 0)]));
    return { label, result, shadow };
  };
  try {
    await deploy({ champion: '1', challenger: '2', mode: 'none' });
    await LOADS[generator](url, body, CHEAP_CONNECTIONS, Math.max(2, DURATION_S / 2));
    const runs = [await run('champion alone')];
    await deploy({ champion: '1', challenger: '2', mode: 'shadow' });
    runs.push(await run('shadowed at 100%'));
    await deploy({ champion: '1', challenger: '2', mode: 'none' });
    runs.push(await run('champion alone'));
    return { runs };
  } finally {
    await stopServer(child);
  }
}

const fmt = (n: number, digits = 0) => n.toFixed(digits).padStart(9);

const ratioLine = (label: string, ratio: number, detail: string, target: string) =>
  `  ${label}: ${ratio.toFixed(2)}  (${detail}; target ${target})${ratio < Number(target.replace(/[^\d.]/g, '')) ? '  BELOW TARGET' : ''}`;

async function main(): Promise<void> {
  const generator = await chooseLoadGenerator();
  console.log(`bench:server — full model, ${DURATION_S} s per HTTP run, one keyed instance per request, load from ${generator}\n`);
  const ratios: string[] = [];
  if (PARTS.has('a') || PARTS.has('b') || PARTS.has('c')) {
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
    ratios.push(`ratios at concurrency ${top.concurrency}`);
    ratios.push(
      `  (b)/(a) at the same mean batch size (${sameBatch}): ${(top.perSecond / rawAtSame).toFixed(2)}  (${top.perSecond.toFixed(0)} vs ${rawAtSame.toFixed(0)} inst/s; target >= 0.90)`,
    );
    ratios.push(`  (b)/(c): ${(top.perSecond / off.perSecond).toFixed(2)}  (${top.perSecond.toFixed(0)} vs ${off.perSecond.toFixed(0)} inst/s; target >= 3)`);
  }
  if (PARTS.has('d')) {
    const { alone, cheap, explain } = await explainFlood(generator);
    console.log(
      `\n(d) cheap :predict at ${CHEAP_CONNECTIONS} connections, alone and under an explain flood (${EXPLAIN_CONNECTIONS} connections, ${EXPLAIN_INSTANCES} instances a request)`,
    );
    console.log('                     ok req/s   p50 ms   p99 ms   errors');
    console.log(`  cheap alone       ${fmt(alone.okPerSecond)}${fmt(alone.p50, 1)}${fmt(alone.p99, 1)}${fmt(alone.errors)}`);
    console.log(`  cheap, flooded    ${fmt(cheap.okPerSecond)}${fmt(cheap.p50, 1)}${fmt(cheap.p99, 1)}${fmt(cheap.errors)}`);
    console.log(`  explain (flood)   ${fmt(explain.okPerSecond, 1)}${fmt(explain.p50, 1)}${fmt(explain.p99, 1)}${fmt(explain.errors)}`);
    ratios.push(
      ratioLine(
        '(d) cheap under an explain flood / alone',
        cheap.okPerSecond / alone.okPerSecond,
        `${cheap.okPerSecond.toFixed(0)} vs ${alone.okPerSecond.toFixed(0)} req/s`,
        '>= 0.5',
      ),
    );
  }
  if (PARTS.has('e')) {
    const { peak, overload: over, liveP50, liveP95, liveMax } = await overload(generator);
    console.log(`\n(e) ${BIG_REQUEST}-instance requests: useful instances/s (200 answers only)`);
    console.log('  connections  ok inst/s   p50 ms   p99 ms   errors');
    const row = (c: number, r: LoadResult) =>
      `${fmt(c).padStart(13)}${fmt(r.okPerSecond * BIG_REQUEST).padStart(11)}${fmt(r.p50, 1)}${fmt(r.p99, 1)}${fmt(r.errors)}`;
    for (const { concurrency, result } of peak) console.log(row(concurrency, result));
    console.log(`${row(OVERLOAD_CONNECTIONS, over)}   (overload)`);
    console.log(`  /v2/health/live during the overload: p50 ${liveP50.toFixed(1)} ms, p95 ${liveP95.toFixed(1)} ms, max ${liveMax.toFixed(1)} ms`);
    const best = Math.max(...peak.map((p) => p.result.okPerSecond)) * BIG_REQUEST;
    const useful = over.okPerSecond * BIG_REQUEST;
    ratios.push(ratioLine('(e) useful throughput under overload / peak', useful / best, `${useful.toFixed(0)} vs ${best.toFixed(0)} inst/s`, '>= 0.8'));
  }
  if (PARTS.has('f')) {
    const { runs } = await shadowPrice(generator);
    console.log(`\n(f) cheap :predict at ${CHEAP_CONNECTIONS} connections: the champion alone, shadowed at 100% by a challenger of the same cost, alone again`);
    console.log('                         ok req/s   p50 ms   p99 ms   errors   shadow answered   dropped   failed');
    for (const { label, result, shadow } of runs)
      console.log(
        `  ${label.padEnd(21)}${fmt(result.okPerSecond)}${fmt(result.p50, 1)}${fmt(result.p99, 1)}${fmt(result.errors)}${fmt(shadow['answered'] ?? 0).padStart(18)}${fmt(shadow['dropped'] ?? 0, 0).padStart(10)}${fmt(shadow['failed'] ?? 0, 0).padStart(9)}`,
      );
    const [first, shadowed, last] = runs.map((r) => r.result.okPerSecond) as [number, number, number];
    const alone = (first + last) / 2;
    ratios.push(`  (f) shadowing at 100% / champion alone around it: ${(shadowed / alone).toFixed(2)}  (${shadowed.toFixed(0)} vs ${alone.toFixed(0)} req/s)`);
  }
  if (ratios.length > 0) console.log(`\n${ratios.join('\n')}`);
}

await main();
