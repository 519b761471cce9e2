/**
 * Batch jobs across processes on BullMQ, with a Redis of the test's own and
 * workers run as child processes the way a user runs them: the queued job
 * gives every key exactly once with the local run's labels; a worker
 * SIGKILLed mid-job loses nothing (its chunk comes back by stalled-job
 * recovery, with the lock shortened by BATCH_QUEUE_LOCK_MS); a coordinator
 * SIGKILLed mid-job and run again completes the job, exactly once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectExactlyOnce, faultInput } from '../../../test/batch/exactly-once';
import { scratch } from '../../../test/batch/inputs';
import { startRedis, type TestRedis } from '../../../test/batch/redis';
import { batch } from '../../../test/batch/run';
import { QUEUE_NAME, redisClient } from './settings';
import { commitStaged } from './worker';

const ROWS = 3_000;
const CHUNK_ROWS = 50;
const CHUNKS = ROWS / CHUNK_ROWS;
const MODEL = 'digits-small';
const LOCK_MS = '2000';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let redis: TestRedis;
const children: ChildProcess[] = [];

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await redis?.stop();
});

interface Child {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  readonly stderr: () => string;
}

function cli(args: readonly string[]): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/batch/cli/main.ts', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, BATCH_QUEUE_LOCK_MS: LOCK_MS },
  });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (data: Buffer) => (stderr += data.toString()));
  child.stdout?.resume();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

async function until(what: string, done: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await sleep(5);
  }
}

/** A worker process, once it says it is ready. */
async function worker(): Promise<Child> {
  const started = cli(['worker', '--queue', redis.url, '--concurrency', '1']);
  await until('a worker is ready', () => /batch worker: ready/.test(started.stderr()) || started.child.exitCode !== null);
  expect(started.stderr()).toMatch(/batch worker: ready/);
  return started;
}

const predictArgs = (inputPath: string, output: string) =>
  ['predict', '--model', MODEL, '--input', inputPath, '--output', output, '--chunk-rows', String(CHUNK_ROWS)] as const;

const committed = (output: string) => (existsSync(output) ? readdirSync(output).filter((n) => /^predictions-\d{5}\.jsonl$/.test(n)).length : 0);

async function stop(...workers: Child[]): Promise<void> {
  for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM');
  await Promise.all(workers.map((w) => w.exited));
}

describe('a chunk raced by two workers', () => {
  it('is committed once: the second copy is dropped', async () => {
    const output = scratch();
    const copies = ['a', 'b'].map((me) => {
      const staging = join(output, '.workers', me);
      mkdirSync(staging, { recursive: true });
      writeFileSync(join(staging, 'predictions-00003.jsonl'), `{"key":"k1","by":"${me}"}\n`);
      writeFileSync(join(staging, 'errors-00003.jsonl'), '');
      return staging;
    });
    expect((await Promise.all(copies.map((staging) => commitStaged(staging, output, 3)))).sort()).toEqual([false, true]);
    expect(await commitStaged(copies[0] as string, output, 3)).toBe(false);
    expect(readFileSync(join(output, 'predictions-00003.jsonl'), 'utf8').split('\n').filter(Boolean)).toHaveLength(1);
    expect(
      readdirSync(output)
        .filter((n) => !n.startsWith('.'))
        .sort(),
    ).toEqual(['errors-00003.jsonl', 'predictions-00003.jsonl']);
  });
});

describe('batch jobs on a BullMQ queue with worker processes', () => {
  it('two workers do the job: every key exactly once, the local run’s labels', async () => {
    const dir = scratch();
    const inputPath = faultInput(dir, ROWS);
    const workers = await Promise.all([worker(), worker()]);
    const queued = await batch([...predictArgs(inputPath, join(dir, 'queued')), '--queue', redis.url], { BATCH_QUEUE_LOCK_MS: LOCK_MS });
    expect(queued.code, queued.err).toBe(0);
    expect(queued.err).toMatch(new RegExp(`planned ${ROWS} rows .* in ${CHUNKS} chunks; ${MODEL} v1, queued on redis://`));
    const local = await batch([...predictArgs(inputPath, join(dir, 'local')), '--workers', '2']);
    expect(local.code, local.err).toBe(0);
    expect(expectExactlyOnce(join(dir, 'queued'), ROWS)).toEqual(expectExactlyOnce(join(dir, 'local'), ROWS));
    // Both workers took chunks.
    for (const w of workers) expect(w.stderr()).toMatch(/batch worker: chunk \d+ of /);
    await stop(...workers);
  });

  it('a worker SIGKILLed mid-job: its chunk is taken by the other, every key exactly once', async () => {
    const dir = scratch();
    const inputPath = faultInput(dir, ROWS);
    const output = join(dir, 'out');
    const [victim, survivor] = await Promise.all([worker(), worker()]);
    if (!victim || !survivor) throw new Error('no workers');
    const connection = redisClient(redis.url);
    const events = new QueueEvents(QUEUE_NAME, { connection });
    const stalled: string[] = [];
    events.on('stalled', ({ jobId }) => stalled.push(jobId));
    await events.waitUntilReady();
    const run = batch([...predictArgs(inputPath, output), '--queue', redis.url, '--workers', '8']);
    await until('the victim committed a chunk', () => /batch worker: chunk \d+ of /.test(victim.stderr()));
    victim.child.kill('SIGKILL');
    await victim.exited;
    expect(committed(output)).toBeLessThan(CHUNKS);
    const done = await run;
    expect(done.code, done.err).toBe(0);
    expectExactlyOnce(output, ROWS);
    // The victim held a chunk when it died: it came back by stalled-job recovery.
    expect(stalled.length).toBeGreaterThan(0);
    await events.close();
    await connection.quit();
    await stop(survivor);
  });

  it('the coordinator SIGKILLed mid-job, then run again: completes, exactly once', async () => {
    const dir = scratch();
    const inputPath = faultInput(dir, ROWS);
    const output = join(dir, 'out');
    const workers = await Promise.all([worker(), worker()]);
    const first = cli([...predictArgs(inputPath, output), '--queue', redis.url, '--workers', '4']);
    await until('chunks committed', () => committed(output) >= 5);
    first.child.kill('SIGKILL');
    await first.exited;
    expect(committed(output)).toBeLessThan(CHUNKS);
    const rerun = cli([...predictArgs(inputPath, output), '--queue', redis.url, '--workers', '4']);
    expect(await rerun.exited, rerun.stderr()).toBe(0);
    expect(rerun.stderr()).toMatch(new RegExp(`resuming ${ROWS} rows .* in ${CHUNKS} chunks \\(\\d+ left\\)`));
    expectExactlyOnce(output, ROWS);
    await stop(...workers);
  });
});
