/**
 * Debian's redis-server as a child process in the foreground, as the rate
 * limits and BullMQ need it: no persistence (`--save ''`, no append-only
 * file) and `noeviction`, so queue keys are never evicted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { stopperOf } from './child';

export interface RedisServer {
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** Sends PING and resolves with whether PONG came back. */
export function pingRedis(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      answer += chunk.toString();
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
    });
  });
}

/** Starts redis-server on 127.0.0.1:port with its log in `dir`, and waits until it answers PING. */
export async function startRedis(dir: string, port: number): Promise<RedisServer> {
  mkdirSync(dir, { recursive: true });
  // prettier-ignore
  const child = spawn('redis-server', [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction',
    '--dir', dir, '--logfile', join(dir, 'redis.log'),
  ], { stdio: 'ignore', detached: true });
  const stop = stopperOf(child);
  for (let tries = 0; tries < 100; tries++) {
    if (child.exitCode !== null) break;
    if (await pingRedis(port)) return { url: `redis://127.0.0.1:${port}`, port, child, stop };
    await new Promise((r) => setTimeout(r, 50));
  }
  await stop();
  throw new Error(`redis-server on port ${port} never answered PING (see ${join(dir, 'redis.log')})`);
}
