/**
 * Starts test/db/store-child.ts in a process of its own and follows what it
 * prints, for the tests that need a second process or one to kill.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { DatabaseSettings } from '../../server/db/database';

const SCRIPT = fileURLToPath(new URL('./store-child.ts', import.meta.url));

export interface StoreChild {
  readonly process: ChildProcess;
  /** The lines printed on stdout so far. */
  readonly lines: string[];
  stderr(): string;
  /** Resolves once `ready(lines)` holds; rejects if the process exits first or after `timeoutMs`. */
  until(ready: (lines: readonly string[]) => boolean, timeoutMs?: number): Promise<void>;
  /** The exit code (null when killed by a signal), once the process has exited. */
  readonly exited: Promise<number | null>;
}

export function spawnStoreChild(mode: 'open' | 'exit' | 'insert', settings: DatabaseSettings): StoreChild {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, mode], {
    env: { ...process.env, STORE_SETTINGS: JSON.stringify(settings) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  const changed = new EventTarget();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    changed.dispatchEvent(new Event('change'));
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let ended = false;
  // 'close': after the process exited and its output was read to the end.
  const exited = once(child, 'close').then(([code]) => {
    ended = true;
    changed.dispatchEvent(new Event('change'));
    return code as number | null;
  });
  return {
    process: child,
    lines,
    stderr: () => stderr,
    exited,
    until: (ready, timeoutMs = 30_000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`the child never got ready; stderr: ${stderr}`)), timeoutMs);
        const check = () => {
          if (ready(lines)) finish();
          else if (ended) finish(new Error(`the child exited first; stderr: ${stderr}`));
        };
        const finish = (error?: Error) => {
          clearTimeout(timer);
          changed.removeEventListener('change', check);
          if (error) reject(error);
          else resolve();
        };
        changed.addEventListener('change', check);
        check();
      }),
  };
}
