/**
 * bench:batch: the batch command line as a user runs it, a child process of
 * its own (`node --import tsx server/batch/cli/main.ts ...`; tools never
 * import server code), timed from spawn to exit, with the peak RSS of its
 * process (VmHWM, polled). Also the rate past a command's fixed start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { Input } from './inputs';

export const CLI = ['--import', 'tsx', 'server/batch/cli/main.ts'] as const;

export interface CommandRun {
  readonly rows: number;
  readonly seconds: number;
  readonly peakMiB: number;
}

/** Starts `npm run batch -- <args>` as a child process; its stderr is kept for messages. */
export function spawnBatch(args: readonly string[], env: Record<string, string> = {}): { child: ChildProcess; stderr: () => string } {
  const child = spawn(process.execPath, [...CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-8192)));
  return { child, stderr: () => stderr };
}

/** `batch predict --model digits-full --input <input> --output <output> <more>`: its time and peak RSS. */
export async function predict(input: Input, output: string, more: readonly string[]): Promise<CommandRun> {
  const started = performance.now();
  const { child, stderr } = spawnBatch(['predict', '--model', 'digits-full', '--input', input.path, '--output', output, ...more]);
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
  if (code !== 0) throw new Error(`batch predict ${more.join(' ')} exited with ${code}: ${stderr().trim().split('\n').slice(-3).join(' / ')}`);
  return { rows: input.rows, seconds: (performance.now() - started) / 1000, peakMiB: peakKiB / 1024 };
}

export const rowsPerSecond = (run: CommandRun) => run.rows / run.seconds;

/**
 * Rows per second past the fixed start: two runs of the same command on
 * `small` and `large` inputs cost the same to start (Node and its loader,
 * threads, loading and warming the model), which their difference cancels;
 * what scales with the rows (planning, reading, parsing, predicting,
 * writing) stays in.
 */
export const marginalRowsPerSecond = (small: CommandRun, large: CommandRun) => (large.rows - small.rows) / (large.seconds - small.seconds);

/**
 * What one more chunk costs a lane (a pool thread, or a queue worker): the
 * same rows in many small chunks and in a few large ones, with `lanes`
 * working side by side, each lane doing its share of the extra chunks.
 */
export const perChunkMs = (few: CommandRun & { chunks: number }, many: CommandRun & { chunks: number }, lanes: number) =>
  ((many.seconds - few.seconds) * 1000 * lanes) / (many.chunks - few.chunks);
