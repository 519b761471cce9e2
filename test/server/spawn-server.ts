/**
 * The real server as a child process, for tests that need a whole process:
 * draining on SIGTERM, or serving a deployment of their own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../../tools/net/free-port';
import { staticDir } from './folders';

export { freePort };

/**
 * Starts `server/main.ts` in its own process with these settings and waits
 * until it is ready. With `logs`, the process's log lines (stdout) are kept.
 */
export async function spawnServer(env: Record<string, string>, options: { logs?: string[] } = {}): Promise<{ base: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    // Evaluation off unless asked for: its default store (./data) admits one process at a time.
    // No drain on SIGTERM unless asked for: no balancer watches a test's server.
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', STATIC_DIR: staticDir(), LOG_LEVEL: 'warn', EVALUATION: 'off', DRAIN_MS: '0', ...env },
    stdio: ['ignore', options.logs ? 'pipe' : 'ignore', 'inherit'],
  });
  const logs = options.logs;
  if (logs) {
    let partial = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      logs.push(...lines);
    });
  }
  const base = `http://127.0.0.1:${port}`;
  for (let tries = 0; tries < 300; tries++) {
    if (
      (await fetch(`${base}/v2/health/ready`).then(
        (r) => r.status,
        () => 0,
      )) === 200
    )
      return { base, child };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('the server process never became ready');
}
