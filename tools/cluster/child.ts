/** Stopping a child process the cluster started (Redis, HAProxy): SIGTERM, then wait for it to exit. */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/** A stop for `child`; taken at spawn, so an exit before the stop is still seen. Calling it after the exit does nothing. */
export function stopperOf(child: ChildProcess): () => Promise<void> {
  const exited = once(child, 'exit');
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await exited;
  };
}
