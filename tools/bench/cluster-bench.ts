/**
 * npm run bench:cluster — the product as a cluster (tools/cluster) on this machine:
 *  (a) throughput of cheap keyed `:predict` requests (one instance each, every
 *      key its own) against one replica directly, then through HAProxy with 1,
 *      2 and 3 replicas in rotation (the others put in maintenance), side by
 *      side as ratios to the direct run;
 *  (b) failed requests, seen by steady clients going through HAProxy, while one
 *      of three replicas is SIGKILLed and started again, and while every replica
 *      restarts in turn (SIGTERM, drain, start).
 * The cluster lives in a temporary folder and goes at the end. BENCH_SECONDS
 * (default 8) per throughput run, BENCH_CONNECTIONS (default 32) connections.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drawnPixels } from '../../test/drawn-digits';
import { startCluster, type Cluster } from '../cluster/cluster';
import { startTraffic, type TrafficResult } from '../cluster/traffic';
import { freePortRange } from '../net/free-port';
import { chooseLoadGenerator, LOADS, type LoadResult } from './load';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 8);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 32);
const REPLICAS = 3;
const KEY = '__KEY__';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Row {
  readonly setup: string;
  readonly result: LoadResult;
}

async function throughput(cluster: Cluster): Promise<Row[]> {
  const generator = await chooseLoadGenerator();
  const body = JSON.stringify({ instances: [{ key: KEY, pixels: drawnPixels(7) }] });
  const load = (base: string, seconds = SECONDS) =>
    LOADS[generator](`${base}/v1/models/digits-full:predict`, body, CONNECTIONS, seconds, { uniqueKeyToken: KEY, timeoutSeconds: 30 });
  const names = cluster.replicas.map((r) => r.settings.name);
  const rotation = async (count: number) => {
    for (const [i, name] of names.entries()) await cluster.setInRotation(name, i < count);
    for (const name of names.slice(0, count)) await cluster.waitFor(name, 'UP');
  };
  const first = cluster.replicas[0]!;
  console.log(`load generator: ${generator}, ${CONNECTIONS} connections, ${SECONDS} s a run`);
  // Warm every replica (JIT, batcher, store connections) through the balancer first.
  await load(cluster.url, Math.max(2, SECONDS / 2));
  const rows: Row[] = [{ setup: '1 replica, direct', result: await load(first.url) }];
  for (let count = 1; count <= REPLICAS; count++) {
    await rotation(count);
    rows.push({ setup: `HAProxy, ${count} replica${count > 1 ? 's' : ''}`, result: await load(cluster.url) });
  }
  return rows;
}

async function failures(cluster: Cluster, what: string, during: () => Promise<void>): Promise<string> {
  const before = await cluster.counters();
  const traffic = startTraffic({ url: cluster.url, clients: 8, pixels: drawnPixels(2), keyPrefix: `bench-${what}-${Date.now()}` });
  await sleep(1000);
  let error: unknown;
  await during().catch((e: unknown) => (error = e));
  await sleep(1000);
  const result: TrafficResult = await traffic.stop();
  if (error) throw error;
  const after = await cluster.counters();
  const reasons = [...new Set(result.failures.map((f) => f.reason))].slice(0, 3).join('; ');
  return `${what.padEnd(16)} ${String(result.answered.length).padStart(7)} answered  ${String(result.failures.length).padStart(3)} failed  in ${result.seconds.toFixed(1)} s  (HAProxy: ${after.retries - before.retries} retries, ${after.redispatches - before.redispatches} redispatches)${reasons ? `  ${reasons}` : ''}`;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cluster-bench-'));
  chmodSync(dir, 0o755);
  const cluster = await startCluster({ replicas: REPLICAS, port: await freePortRange(REPLICAS), dir, batchWorkers: 0, env: { LOG_LEVEL: 'warn' } });
  try {
    const rows = await throughput(cluster);
    const direct = rows[0]!.result.okPerSecond;
    console.log('\n(a) cheap :predict requests (one instance each)');
    console.log('setup                     ok req/s    p50 ms   p99 ms   errors   vs direct');
    for (const { setup, result } of rows) {
      console.log(
        `${setup.padEnd(24)} ${result.okPerSecond.toFixed(0).padStart(9)} ${result.p50.toFixed(1).padStart(9)} ${result.p99.toFixed(1).padStart(8)} ${String(result.errors).padStart(8)}   ${(result.okPerSecond / direct).toFixed(2)}×`,
      );
    }
    for (const replica of cluster.replicas) await cluster.setInRotation(replica.settings.name, true);
    for (const replica of cluster.replicas) await cluster.waitFor(replica.settings.name, 'UP');
    console.log('\n(b) steady clients (8) through HAProxy, 3 replicas');
    const victim = cluster.replicas[1]!;
    console.log(
      await failures(cluster, 'SIGKILL r2', async () => {
        await victim.kill();
        await cluster.waitFor(victim.settings.name, 'DOWN');
        await sleep(1000);
        await victim.start();
        await cluster.waitFor(victim.settings.name, 'UP');
      }),
    );
    console.log(
      await failures(cluster, 'rolling restart', async () => {
        for (const replica of cluster.replicas) {
          await replica.stop();
          await replica.start();
          await cluster.waitFor(replica.settings.name, 'UP');
        }
      }),
    );
  } finally {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
