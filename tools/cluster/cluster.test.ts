/**
 * The cluster with real parts (PostgreSQL, Redis, HAProxy, three server
 * processes): every prediction sent through the balancer reaches the shared
 * monitoring windows and labels join whichever replica logged them; a
 * replica SIGKILLed under load and a rolling restart of every replica under
 * load cost the clients nothing; a version loaded and promoted through one
 * replica is answered by all; a batch job taken by one is reported and its
 * output streamed by every one; a client's rate limit holds across them.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchJobStatus } from '../../src/core/api/batch';
import { faultInput } from '../../test/batch/exactly-once';
import { multipart, waitForJob } from '../../test/batch/jobs-api';
import { drawnPixels } from '../../test/drawn-digits';
import { addSecondVersions } from '../../test/server/second-versions';
import { freePortRange } from '../net/free-port';
import { startCluster, type Cluster } from './cluster';
import { startTraffic, type TrafficResult } from './traffic';

const REPLICAS = 3;
const CLIENTS = 4;
const FEEDBACK_LIMIT = 20;
/** Rows of the batch job through the balancer: keys k0, k97 and k194 are refused. */
const BATCH_ROWS = 200;
let cluster: Cluster;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cluster-'));
  // As root, PostgreSQL runs as `postgres`, which must reach its folder inside.
  chmodSync(dir, 0o755);
  cluster = await startCluster({
    replicas: REPLICAS,
    port: await freePortRange(REPLICAS),
    dir,
    // Checks every 300 ms: a replica is out after two failures, back after two successes; it drains for 1 s.
    checkIntervalMs: 300,
    drainMs: 1000,
    // One queue worker runs the chunks of batch jobs created through the API.
    batchWorkers: 1,
    // A small per-client limit on feedback, to show it holds across the replicas (counted in Redis).
    env: { LOG_LEVEL: 'warn', EVALUATION: 'on', FEEDBACK_RATE_LIMIT: String(FEEDBACK_LIMIT) },
  });
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const auth = () => ({ authorization: `Bearer ${cluster.adminToken}` });

/** Runs keyed traffic through the balancer while `during` runs, plus a moment either side. */
async function underLoad(keyPrefix: string, during: () => Promise<void>): Promise<TrafficResult> {
  const traffic = startTraffic({ url: cluster.url, clients: CLIENTS, pixels: drawnPixels(4), keyPrefix });
  const done = (async () => {
    await sleep(1000);
    await during();
    await sleep(1000);
  })();
  // The traffic stops whether or not `during` failed; its failure is thrown after.
  await done.catch(() => undefined);
  const result = await traffic.stop();
  await done;
  return result;
}

/** Writes every replica's log, then sums the cloud windows of digits-full. */
async function windowCounts(): Promise<{ predictions: number; labelled: number }> {
  for (const replica of cluster.replicas) {
    const flushed = await fetch(`${replica.url}/v1/monitoring/flush`, { method: 'POST', headers: auth() });
    expect(flushed.status).toBe(200);
  }
  const response = await fetch(`${cluster.url}/v1/monitoring/models/digits-full/windows?window=1d&source=cloud`, { headers: auth() });
  expect(response.status).toBe(200);
  const { windows } = (await response.json()) as { windows: { predictions: number; labelled: number }[] };
  return windows.reduce((sum, w) => ({ predictions: sum.predictions + w.predictions, labelled: sum.labelled + w.labelled }), { predictions: 0, labelled: 0 });
}

describe('the cluster behind HAProxy', () => {
  it('puts every prediction sent through the balancer in the shared windows, and joins labels posted to any replica', async () => {
    const before = await windowCounts();
    const traffic = startTraffic({ url: cluster.url, clients: CLIENTS, pixels: drawnPixels(4), keyPrefix: 'windows' });
    while (traffic.answeredSoFar < 300) await sleep(50);
    const { answered, failures } = await traffic.stop();
    expect(failures).toEqual([]);
    // Round robin spread them: every replica answered some (its own counter says so).
    for (const replica of cluster.replicas) {
      const metrics = await (await fetch(`${replica.url}/metrics`)).text();
      expect(Number(metrics.match(/^inference_instances_total\{model="digits-full",version="1"\} (\d+)/m)?.[1] ?? 0)).toBeGreaterThan(0);
    }
    // Labels for every other key, in three requests (each to another replica), before the logs are written.
    const labelled = answered.filter((_, i) => i % 2 === 0);
    for (let part = 0; part < 3; part++) {
      const labels = labelled.filter((_, i) => i % 3 === part).map((key) => ({ key, label: '4' }));
      const response = await fetch(`${cluster.url}/v1/feedback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ labels }),
      });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { accepted: number }).accepted).toBe(labels.length);
    }
    const after = await windowCounts();
    console.log(
      `windows: ${answered.length} predictions through the balancer, ${labelled.length} labelled; the windows grew by ${after.predictions - before.predictions} and ${after.labelled - before.labelled}`,
    );
    expect(after.predictions - before.predictions).toBe(answered.length);
    expect(after.labelled - before.labelled).toBe(labelled.length);
  }, 90_000);

  it('loses no request when a replica is SIGKILLed under load', async () => {
    const victim = cluster.replicas[1]!;
    const before = await cluster.counters();
    const result = await underLoad('kill', async () => {
      await victim.kill();
      await cluster.waitFor(victim.settings.name, 'DOWN');
      await sleep(1000);
      await victim.start();
      await cluster.waitFor(victim.settings.name, 'UP');
    });
    const after = await cluster.counters();
    console.log(
      `SIGKILL: ${result.answered.length} answered, ${result.failures.length} failed in ${result.seconds.toFixed(1)} s; HAProxy retried ${after.retries - before.retries}, redispatched ${after.redispatches - before.redispatches}`,
    );
    expect(result.failures).toEqual([]);
    expect(result.answered.length).toBeGreaterThan(100);
    // The requests the dead replica had, or was sent before its checks failed, were retried on another.
    expect(after.redispatches - before.redispatches).toBeGreaterThan(0);
  }, 120_000);

  it('loses no request while every replica restarts in turn (SIGTERM, drain, start) under load', async () => {
    const before = await cluster.counters();
    const result = await underLoad('rolling', async () => {
      for (const replica of cluster.replicas) {
        await replica.stop();
        await replica.start();
        await cluster.waitFor(replica.settings.name, 'UP');
      }
    });
    const after = await cluster.counters();
    console.log(
      `rolling restart: ${result.answered.length} answered, ${result.failures.length} failed in ${result.seconds.toFixed(1)} s; HAProxy retried ${after.retries - before.retries}, redispatched ${after.redispatches - before.redispatches}`,
    );
    expect(result.failures).toEqual([]);
    expect(result.answered.length).toBeGreaterThan(100);
    expect([...(await cluster.states()).values()]).toEqual(new Array(REPLICAS).fill('UP'));
  }, 180_000);

  it('answers from every replica a version loaded and promoted through one', async () => {
    const [first] = cluster.replicas;
    if (!first) throw new Error('no replica');
    // The champion is set first, as the README says: a model without a deployment follows its newest version.
    const pinned = await fetch(`${first.url}/v1/models/digits-full/deployment`, {
      method: 'PUT',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify({ champion: '1', mode: 'none' }),
    });
    expect(pinned.status).toBe(200);
    addSecondVersions(cluster.modelRepository, 'digits-full');
    expect((await fetch(`${first.url}/v2/repository/models/digits-full/load`, { method: 'POST', headers: auth() })).status).toBe(200);
    const promoted = await fetch(`${first.url}/v1/models/digits-full/promote`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify({ version: '2' }),
    });
    expect(promoted.status).toBe(200);
    const versionFrom = async (url: string, key: string) => {
      const response = await fetch(`${url}/v1/models/digits-full:predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ instances: [{ key, pixels: Array.from(drawnPixels(4)) }] }),
      });
      return ((await response.json()) as { model_version: string }).model_version;
    };
    // Each replica reads the deployment again within 5 s, and loads the version from the shared folder.
    await expect
      .poll(() => Promise.all(cluster.replicas.map((r, i) => versionFrom(r.url, `promoted-${i}-${Date.now()}`))), { timeout: 30_000, interval: 500 })
      .toEqual(new Array(REPLICAS).fill('2'));
    const through = await Promise.all(Array.from({ length: 12 }, (_, i) => versionFrom(cluster.url, `promoted-through-${i}`)));
    expect(through).toEqual(new Array(12).fill('2'));
  }, 90_000);

  it('reports a batch job through every replica, and streams its output from any of them', async () => {
    const input = readFileSync(faultInput(mkdtempSync(join(dir, 'batch-input-')), BATCH_ROWS), 'utf8');
    const { body, type } = await multipart({ model: 'digits-small', chunk_rows: '50' }, { name: 'rows.jsonl', text: input });
    const created = await fetch(`${cluster.url}/v1/batch-jobs`, { method: 'POST', headers: { ...auth(), 'content-type': type }, body });
    expect(created.status, await created.clone().text()).toBe(202);
    const { id } = (await created.json()) as { id: string };
    // Round robin: successive polls ask successive replicas, two of which do not hold the job.
    const done = await waitForJob(async () => (await (await fetch(`${cluster.url}/v1/batch-jobs/${id}`, { headers: auth() })).json()) as BatchJobStatus);
    expect(done).toMatchObject({ state: 'succeeded', total: BATCH_ROWS, successful: BATCH_ROWS - 3, failed: 3 });
    // The owner writes each status in the background: within moments every replica reports the last.
    const fromEach = () => Promise.all(cluster.replicas.map(async (r) => (await fetch(`${r.url}/v1/batch-jobs/${id}`, { headers: auth() })).json()));
    await expect.poll(fromEach, { timeout: 10_000, interval: 100 }).toEqual(new Array(REPLICAS).fill(done));
    const outputs = new Set<string>();
    for (const replica of cluster.replicas) {
      const response = await fetch(`${replica.url}/v1/batch-jobs/${id}/predictions`, { headers: auth() });
      expect(response.status).toBe(200);
      outputs.add(await response.text());
    }
    // One output, whichever replica streamed it, with a line per row predicted.
    expect(outputs.size).toBe(1);
    expect([...outputs][0]?.trim().split('\n')).toHaveLength(BATCH_ROWS - 3);
  }, 90_000);

  it("holds a client's rate limit across the replicas", async () => {
    const statuses: number[] = [];
    const codes = new Set<string>();
    for (let i = 0; i < FEEDBACK_LIMIT * 2; i++) {
      const response = await fetch(`${cluster.url}/v1/feedback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ labels: [{ key: `limited-${i}`, label: '4' }] }),
      });
      statuses.push(response.status);
      if (response.status === 429) codes.add(((await response.json()) as { code: string }).code);
    }
    const accepted = statuses.filter((s) => s === 200).length;
    // Round robin sends a third to each replica: counted apart, each would take up to the limit.
    expect(accepted).toBeLessThanOrEqual(FEEDBACK_LIMIT);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(FEEDBACK_LIMIT);
    expect([...codes]).toEqual(['RATE_LIMITED']);
  }, 60_000);
});
