/**
 * Exactly once under faults, with the command run as a child process the way
 * a user runs it: SIGKILLed in the middle of a job (twice), then run again,
 * every input key appears exactly once across the predictions and errors
 * files; Ctrl-C (SIGINT) stops the job cleanly with exit code 130, leaves no
 * temporary file, and a rerun completes it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectExactlyOnce, faultInput } from '../../../test/batch/exactly-once';
import { readJob, scratch } from '../../../test/batch/inputs';

const ROWS = 6_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function start(inputPath: string, output: string): { child: ChildProcess; exited: Promise<number | null>; stderr: () => string } {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'server/batch/cli/main.ts',
      'predict',
      '--model',
      'digits-full',
      '--input',
      inputPath,
      '--output',
      output,
      '--chunk-rows',
      '100',
      '--workers',
      '2',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (data: Buffer) => (stderr += data.toString()));
  child.stdout?.resume();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

const committed = (output: string) => (existsSync(output) ? readdirSync(output).filter((n) => /^predictions-\d{5}\.jsonl$/.test(n)).length : 0);

async function untilCommitted(output: string, chunks: number, timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (committed(output) < chunks) {
    if (performance.now() > deadline) throw new Error(`fewer than ${chunks} chunks committed within ${timeoutMs} ms`);
    await sleep(5);
  }
}

describe('the batch command under faults', () => {
  it('killed twice mid-job, then run again: every key exactly once', async () => {
    const dir = scratch();
    const inputPath = faultInput(dir, ROWS);
    const output = join(dir, 'out');
    for (const after of [5, 25]) {
      const run = start(inputPath, output);
      await untilCommitted(output, after);
      run.child.kill('SIGKILL');
      await run.exited;
      // Killed mid-job for real: chunks are left to do.
      expect(committed(output)).toBeLessThan(ROWS / 100);
    }
    const last = start(inputPath, output);
    expect(await last.exited, last.stderr()).toBe(0);
    expect(last.stderr()).toMatch(/resuming 6000 rows .* in 60 chunks \(\d+ left\)/);
    expect(readdirSync(output).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expectExactlyOnce(output, ROWS);
  });

  it('stops cleanly on SIGINT with exit code 130, and a rerun completes the job', async () => {
    const dir = scratch();
    const inputPath = faultInput(dir, ROWS);
    const output = join(dir, 'out');
    const run = start(inputPath, output);
    await untilCommitted(output, 5);
    const interrupted = performance.now();
    run.child.kill('SIGINT');
    expect(await run.exited, run.stderr()).toBe(130);
    expect(performance.now() - interrupted).toBeLessThan(10_000);
    expect(run.stderr()).toMatch(/interrupted: running chunks were given up; run the same command again to resume/);
    const job = readJob(output);
    expect(job.status).toBe('interrupted');
    expect(job.counts['pending_rows']).toBeGreaterThan(0);
    expect(readdirSync(output).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    const rerun = start(inputPath, output);
    expect(await rerun.exited, rerun.stderr()).toBe(0);
    expectExactlyOnce(output, ROWS);
  });
});
