/**
 * A Redis server of a test's own, on a free port, as BullMQ needs it: no
 * persistence (`--save ''`, no append-only file) and `noeviction`, so queue
 * keys are never evicted. Daemonized, with its files in a temporary folder
 * that goes when it stops.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../tools/net/free-port';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface TestRedis {
  readonly url: string;
  stop(): Promise<void>;
}

const cli = (port: number, ...args: string[]) => run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 5_000 });

export async function startRedis(): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'redis-'));
  const port = await freePort();
  const pidfile = join(dir, 'redis.pid');
  // prettier-ignore
  await run('redis-server', [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction',
    '--daemonize', 'yes', '--dir', dir, '--pidfile', pidfile, '--logfile', join(dir, 'redis.log'),
  ]);
  const stop = async () => {
    await cli(port, 'SHUTDOWN', 'NOSAVE').catch(() => {
      try {
        process.kill(Number(readFileSync(pidfile, 'utf8').trim()), 'SIGKILL');
      } catch {
        // Already gone.
      }
    });
    rmSync(dir, { recursive: true, force: true });
  };
  for (let tries = 0; tries < 100; tries++) {
    const answer = await cli(port, 'PING').then(
      (r) => r.stdout.trim(),
      () => '',
    );
    if (answer === 'PONG') return { url: `redis://127.0.0.1:${port}`, stop };
    await sleep(50);
  }
  await stop();
  throw new Error(`redis-server on port ${port} never answered PING`);
}
