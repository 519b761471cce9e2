/**
 * HAProxy (Debian's 2.6) in front of the replicas: its configuration, the
 * process in the foreground, and what it thinks of each server, read from its
 * stats socket. Why each setting: the README's Scale-out section.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { stopperOf } from './child';

export interface BalancerSettings {
  /** The port clients use, on `host`. */
  readonly port: number;
  readonly host: string;
  /** Each replica's name and port on 127.0.0.1. */
  readonly servers: readonly { readonly name: string; readonly port: number }[];
  readonly statsSocket: string;
  /** Health check interval; two failures take a server out, two successes bring it back. */
  readonly checkIntervalMs: number;
}

/** The generated haproxy.cfg. */
export function haproxyConfig(s: BalancerSettings): string {
  const lines = [
    'global',
    '  maxconn 4096',
    `  stats socket ${s.statsSocket} mode 600 level admin`,
    // Requests up to 64 KiB stay whole in the buffer, so they can be retried on another replica.
    '  tune.bufsize 65536',
    '',
    'defaults',
    '  mode http',
    '  timeout connect 1s',
    '  timeout client 30s',
    // Longer than the server's own deadline (REQUEST_TIMEOUT_MS, 10 s): the replica answers 503 first.
    '  timeout server 15s',
    '  timeout http-keep-alive 2s',
    '  option forwardfor',
    // Keyed predictions are safe to retry: on a refused or dropped connection, no answer, or a 503, try another replica.
    '  retries 3',
    '  option redispatch 1',
    '  retry-on conn-failure empty-response response-timeout 503',
    '  option http-buffer-request',
    '',
    'frontend api',
    `  bind ${s.host}:${s.port}`,
    '  default_backend replicas',
    '',
    'backend replicas',
    '  balance roundrobin',
    '  option httpchk GET /v2/health/ready',
    '  http-check expect status 200',
    `  default-server inter ${s.checkIntervalMs}ms fall 2 rise 2`,
    ...s.servers.map((server) => `  server ${server.name} 127.0.0.1:${server.port} check`),
    '',
  ];
  return lines.join('\n');
}

/** Asks the stats socket one command and resolves with the whole answer. */
function ask(socketPath: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let answer = '';
    socket.setTimeout(2000, () => socket.destroy(new Error('the HAProxy stats socket did not answer')));
    socket.on('error', reject);
    socket.on('connect', () => socket.write(`${command}\n`));
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('close', () => resolve(answer));
  });
}

/** The `replicas` backend's rows of `show stat`, each as column → value (svname BACKEND is the backend's sum). */
async function replicaRows(socketPath: string): Promise<Record<string, string>[]> {
  const csv = await ask(socketPath, 'show stat');
  const [header, ...rows] = csv.split('\n').filter((line) => line.trim() !== '');
  const columns = (header ?? '').replace(/^# /, '').split(',');
  return rows.map((row) => Object.fromEntries(row.split(',').map((cell, i) => [columns[i] ?? '', cell]))).filter((row) => row['pxname'] === 'replicas');
}

/** Each server of the `replicas` backend with HAProxy's view of it: UP, DOWN, MAINT, or a transition such as "UP 1/2". */
export async function serverStates(socketPath: string): Promise<Map<string, string>> {
  const rows = await replicaRows(socketPath);
  return new Map(rows.filter((row) => row['svname'] !== 'BACKEND').map((row) => [row['svname'] ?? '', row['status'] ?? '']));
}

/** The backend's counters since HAProxy started: retries to the same replica, redispatches to another, 5xx answers, requests. */
export async function backendCounters(socketPath: string): Promise<{ retries: number; redispatches: number; http5xx: number; requests: number }> {
  const row = (await replicaRows(socketPath)).find((r) => r['svname'] === 'BACKEND') ?? {};
  const n = (name: string) => Number(row[name] || 0);
  return { retries: n('wretr'), redispatches: n('wredis'), http5xx: n('hrsp_5xx'), requests: n('req_tot') };
}

/** Puts a replica in maintenance (HAProxy sends it nothing) or back in service, through the stats socket. */
export async function setServerState(socketPath: string, name: string, state: 'ready' | 'maint'): Promise<void> {
  const answer = await ask(socketPath, `set server replicas/${name} state ${state}`);
  if (answer.trim() !== '') throw new Error(`HAProxy refused "set server replicas/${name} state ${state}": ${answer.trim()}`);
}

export interface Balancer {
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** Writes the configuration to `configPath` and runs HAProxy in the foreground (-db) with it; its messages go to `log`. */
export async function startHaproxy(configPath: string, settings: BalancerSettings, log: number): Promise<Balancer> {
  writeFileSync(configPath, haproxyConfig(settings));
  const child = spawn('haproxy', ['-db', '-f', configPath], { stdio: ['ignore', log, log], detached: true });
  const stop = stopperOf(child);
  for (let tries = 0; tries < 100; tries++) {
    if (child.exitCode !== null) throw new Error(`haproxy exited with code ${child.exitCode}: see its log`);
    if (
      await serverStates(settings.statsSocket).then(
        () => true,
        () => false,
      )
    )
      return { child, stop };
    await new Promise((r) => setTimeout(r, 50));
  }
  await stop();
  throw new Error('haproxy never opened its stats socket');
}
