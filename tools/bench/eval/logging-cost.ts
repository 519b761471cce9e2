/**
 * bench:eval, part (a): what logging every prediction with its input costs
 * the batched server at concurrency 64, log off and on, on PGlite and on
 * PostgreSQL; and whether the log kept up (rows written, dropped, still
 * buffered). Every request carries a key of its own, so every one is logged.
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { spawnServer } from '../../../test/server/spawn-server';
import { drawnPixels } from '../../../test/drawn-digits';
import { LOADS, type LoadGenerator, type LoadResult } from '../load';

export const ADMIN_TOKEN = 'bench-eval-admin-token-0123';
const KEY_TOKEN = '@KEY@';
const CONNECTIONS = 64;

export interface LoggingRun {
  readonly label: string;
  readonly load: LoadResult;
  /** Rows the log wrote (or found already written) during the run and its flush. */
  readonly written: number;
  readonly dropped: number;
}

async function metric(base: string, name: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+(?:\\.\\d+)?)`, 'gm'))].reduce((sum, m) => sum + Number(m[1]), 0);
}

export async function stopServer(child: ChildProcess): Promise<void> {
  child.kill('SIGTERM');
  await once(child, 'exit');
}

/** One server with these settings, warmed, then loaded for `seconds`. */
export async function loggingRun(label: string, env: Record<string, string>, generator: LoadGenerator, seconds: number): Promise<LoggingRun> {
  const { base, child } = await spawnServer({ MAX_QUEUE_ROWS: '100000', ADMIN_TOKEN, ...env });
  try {
    const body = JSON.stringify({ instances: [{ key: KEY_TOKEN, pixels: drawnPixels(7) }] });
    const url = `${base}/v1/models/digits-full:predict`;
    const options = { uniqueKeyToken: KEY_TOKEN };
    await LOADS[generator](url, body, CONNECTIONS, Math.max(2, seconds / 2), options);
    const before = { written: await metric(base, 'prediction_log_rows_total'), dropped: await metric(base, 'prediction_log_dropped_total') };
    const load = await LOADS[generator](url, body, CONNECTIONS, seconds, options);
    if (env['EVALUATION'] !== 'off') await fetch(`${base}/v1/monitoring/flush`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    return {
      label,
      load,
      written: (await metric(base, 'prediction_log_rows_total')) - before.written,
      dropped: (await metric(base, 'prediction_log_dropped_total')) - before.dropped,
    };
  } finally {
    await stopServer(child);
  }
}
