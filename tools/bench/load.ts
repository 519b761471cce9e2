/**
 * The HTTP load of the server benchmark: POSTs of one body at a fixed number
 * of connections. wrk (Debian's package, written in C) when it is installed,
 * since on a 2-core machine the load generator competes with the server for
 * the same cores and wrk takes far less of them; autocannon otherwise, or when
 * BENCH_LOADGEN=autocannon.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import autocannon from 'autocannon';

export interface LoadResult {
  readonly perSecond: number;
  /** 2xx answers per second: the useful part of `perSecond`. */
  readonly okPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
}

export type LoadGenerator = 'wrk' | 'autocannon';
export interface LoadOptions {
  /** A request unanswered this long counts as an error (wrk's default of 2 s is short under overload). */
  readonly timeoutSeconds?: number;
  /** A token in the body that each request replaces with a key of its own (so a keyed log records every request). */
  readonly uniqueKeyToken?: string;
}

/** A prefix no earlier run used, so keys stay unique across runs against one store. */
const runPrefix = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}-`;
type Load = (url: string, body: string, connections: number, seconds: number, options?: LoadOptions) => Promise<LoadResult>;

const run = promisify(execFile);

async function hasWrk(): Promise<boolean> {
  return run('wrk', ['--version']).then(
    () => true,
    (error: { stdout?: string; stderr?: string }) => /^wrk /m.test(`${error.stdout ?? ''}${error.stderr ?? ''}`), // wrk --version exits 1
  );
}

export async function chooseLoadGenerator(): Promise<LoadGenerator> {
  if (process.env['BENCH_LOADGEN'] === 'autocannon') return 'autocannon';
  return (await hasWrk()) ? 'wrk' : 'autocannon';
}

const autocannonLoad: Load = async (url, body, connections, seconds, options = {}) => {
  const token = options.uniqueKeyToken;
  const prefix = runPrefix();
  let sent = 0;
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    ...(token ? { requests: [{ setupRequest: (request) => ({ ...request, body: body.replace(token, `${prefix}${++sent}`) }) }] } : {}),
    connections,
    duration: seconds,
    ...(options.timeoutSeconds !== undefined ? { timeout: options.timeoutSeconds } : {}),
  });
  return {
    perSecond: result.requests.average,
    okPerSecond: result['2xx'] / Math.max(1e-3, result.duration),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
};

const MS = { us: 0.001, ms: 1, s: 1000 } as const;

const wrkLoad: Load = async (url, body, connections, seconds, options = {}) => {
  const script = join(mkdtempSync(join(tmpdir(), 'wrk-')), 'post.lua');
  const token = options.uniqueKeyToken;
  const [head, tail] = token ? body.split(token) : [body, undefined];
  const keyed =
    tail === undefined
      ? ''
      : `local sent = 0\nrequest = function()\n  sent = sent + 1\n  return wrk.format(nil, nil, nil, [==[${head}]==] .. "${runPrefix()}" .. sent .. [==[${tail}]==])\nend\n`;
  writeFileSync(script, `wrk.method = "POST"\nwrk.headers["content-type"] = "application/json"\nwrk.body = [==[${body}]==]\n${keyed}`);
  const timeout = options.timeoutSeconds !== undefined ? ['--timeout', `${options.timeoutSeconds}s`] : [];
  const { stdout } = await run('wrk', ['-t', '1', '-c', String(connections), '-d', `${seconds}s`, ...timeout, '--latency', '-s', script, url], {
    maxBuffer: 1 << 20,
  });
  const latency = (quantile: string) => {
    const match = stdout.match(new RegExp(`^\\s*${quantile}%\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm'));
    return match ? Number(match[1]) * MS[match[2] as keyof typeof MS] : NaN;
  };
  const count = (pattern: RegExp) => (stdout.match(pattern)?.slice(1) ?? []).reduce((sum, n) => sum + Number(n), 0);
  const total = stdout.match(/(\d+) requests in ([\d.]+)(us|ms|s|m)\b/);
  const elapsedS = total ? (Number(total[2]) * (total[3] === 'm' ? 60_000 : MS[total[3] as keyof typeof MS])) / 1000 : seconds;
  const non2xx = count(/Non-2xx or 3xx responses: (\d+)/);
  return {
    perSecond: Number(stdout.match(/Requests\/sec:\s+([\d.]+)/)?.[1] ?? NaN),
    okPerSecond: total ? (Number(total[1]) - non2xx) / elapsedS : NaN,
    p50: latency('50'),
    p99: latency('99'),
    errors: non2xx + count(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/),
  };
};

export const LOADS: Readonly<Record<LoadGenerator, Load>> = { wrk: wrkLoad, autocannon: autocannonLoad };
