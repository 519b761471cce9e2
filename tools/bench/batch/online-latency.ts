/**
 * bench:batch (e): online `:predict` latency at concurrency 16 while a batch
 * job runs through the same server (POST /v1/batch-jobs), against the same
 * load without one. The server is a child process with its defaults (batch
 * pool threads at the lowest priority, as many as the cores); the job is
 * large enough to run through the whole measurement, and is cancelled after.
 * Also prints the job's rows/s while online load runs and while it does not:
 * what the background priority leaves it.
 */
import { once } from 'node:events';
import { relative } from 'node:path';
import { drawnPixels } from '../../../test/drawn-digits';
import { spawnServer } from '../../../test/server/spawn-server';
import { chooseLoadGenerator, LOADS, type LoadResult } from '../load';

const TOKEN = 'bench-batch-admin-token';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const CONCURRENCY = 16;
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);

interface JobCounts {
  readonly state: string;
  readonly successful: number;
  readonly failed: number;
}

export interface OnlineLatency {
  readonly without: LoadResult;
  readonly during: LoadResult;
  /** The job's rows/s during the online load, and alone just before it. */
  readonly jobRowsPerSecondLoaded: number;
  readonly jobRowsPerSecondAlone: number;
}

async function counts(base: string, id: string): Promise<JobCounts> {
  return (await (await fetch(`${base}/v1/batch-jobs/${id}`, { headers: AUTH })).json()) as JobCounts;
}

const done = (c: JobCounts) => c.successful + c.failed;

/** `input`, a JSONL file of keyed rows (enough to outlast the measurement), must be in `dir`, which becomes the server's BATCH_DIR. */
export async function onlineLatencyUnderJob(dir: string, input: string): Promise<OnlineLatency> {
  const generator = await chooseLoadGenerator();
  const { base, child } = await spawnServer({ ADMIN_TOKEN: TOKEN, BATCH_DIR: dir });
  try {
    const url = `${base}/v1/models/digits-full:predict`;
    const body = JSON.stringify({ instances: [{ key: 'bench', pixels: drawnPixels(7) }] });
    const load = () => LOADS[generator](url, body, CONCURRENCY, SECONDS);
    await LOADS[generator](url, body, CONCURRENCY, 2); // warm-up
    const without = await load();

    const created = await fetch(`${base}/v1/batch-jobs`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'digits-full', input: relative(dir, input), chunk_rows: 2000 }),
    });
    if (created.status !== 202) throw new Error(`the batch job was refused: ${created.status} ${await created.text()}`);
    const { id } = (await created.json()) as { id: string };
    // Planned, pool loaded, rows flowing.
    for (let c = await counts(base, id); done(c) === 0; c = await counts(base, id)) {
      if (c.state !== 'queued' && c.state !== 'running') throw new Error(`the batch job ended early: ${JSON.stringify(c)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const alone0 = done(await counts(base, id));
    const aloneStart = performance.now();
    await new Promise((r) => setTimeout(r, 3000));
    const alone1 = done(await counts(base, id));
    const aloneSeconds = (performance.now() - aloneStart) / 1000;
    const during = await load();
    const loadedSeconds = SECONDS;
    const after = await counts(base, id);
    if (after.state !== 'running') throw new Error(`the batch job did not run through the measurement: ${JSON.stringify(after)}`);
    await fetch(`${base}/v1/batch-jobs/${id}`, { method: 'DELETE', headers: AUTH });
    return {
      without,
      during,
      jobRowsPerSecondAlone: (alone1 - alone0) / aloneSeconds,
      jobRowsPerSecondLoaded: (done(after) - alone1) / loadedSeconds,
    };
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
}

export function printOnlineLatency(result: OnlineLatency): void {
  const { without, during } = result;
  const row = (what: string, r: LoadResult) =>
    `    ${what.padEnd(22)} ${r.okPerSecond.toFixed(0).padStart(6)} req/s   p50 ${r.p50.toFixed(1).padStart(6)} ms   p99 ${r.p99.toFixed(1).padStart(6)} ms   errors ${r.errors}`;
  console.log(`(e) online :predict at concurrency ${CONCURRENCY}, ${SECONDS} s each, while a batch job runs through the server:`);
  console.log(row('without a job', without));
  console.log(row('while the job runs', during));
  const ratio = during.p99 / without.p99;
  console.log(`    p99 ratio: ${ratio.toFixed(2)}   target <= 2.00${ratio <= 2 ? '' : '   NOT MET'}`);
  console.log(
    `    the job meanwhile: ${result.jobRowsPerSecondLoaded.toFixed(0)} rows/s under the online load, ${result.jobRowsPerSecondAlone.toFixed(0)} rows/s alone (background priority)`,
  );
}
