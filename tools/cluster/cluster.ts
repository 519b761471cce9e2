/**
 * The product as a cluster on one machine: a PostgreSQL and a Redis in the
 * cluster's own folder, `replicas` servers on PORT+1 … PORT+n sharing them and
 * one model registry folder, and HAProxy on PORT in front. Used by
 * `npm run cluster`, its tests and `npm run bench:cluster`.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, cpSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort } from '../net/free-port';
import { backendCounters, serverStates, setServerState, startHaproxy, type Balancer } from './haproxy';
import { forgetPids, recordPid, stopLeftovers } from './leftovers';
import { initPostgres, postgresRunning, startPostgres, stopPostgres } from './postgres';
import { startRedis, type RedisServer } from './redis';
import { Replica } from './replicas';

export interface ClusterOptions {
  readonly replicas: number;
  /** HAProxy's port; replica i (from 1) listens on port + i. */
  readonly port: number;
  /** Where HAProxy listens (127.0.0.1 unless told). */
  readonly host?: string;
  /** The cluster's folder, kept between runs. */
  readonly dir: string;
  /** The shared model registry; default `<dir>/models`, a copy of public/models made on first use. */
  readonly modelRepository?: string;
  readonly adminToken?: string;
  /** HAProxy's health check interval (default 1000 ms). */
  readonly checkIntervalMs?: number;
  /** Each replica's DRAIN_MS (default three check intervals: two failed checks take it out, one to spare). */
  readonly drainMs?: number;
  /** Batch queue workers (`npm run batch -- worker`) to start (default 1): the API's batch jobs run on them. */
  readonly batchWorkers?: number;
  /** More settings for every replica (LOG_LEVEL, ...). */
  readonly env?: Readonly<Record<string, string>>;
  /** The repository root (default the working directory). */
  readonly root?: string;
}

export const DEFAULT_ADMIN_TOKEN = 'cluster-admin-token-0123456789';

export interface Cluster {
  /** HAProxy's URL: what clients use. */
  readonly url: string;
  readonly replicas: readonly Replica[];
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly modelRepository: string;
  readonly adminToken: string;
  readonly dir: string;
  /** HAProxy's view of each replica (UP, DOWN, "UP 1/2", ...). */
  states(): Promise<Map<string, string>>;
  /** HAProxy's retries, redispatches, 5xx answers and requests of the backend so far. */
  counters(): ReturnType<typeof backendCounters>;
  /** Takes a replica out of HAProxy's rotation (maint) or puts it back (ready); the process keeps running. */
  setInRotation(name: string, inRotation: boolean): Promise<void>;
  /** Waits until HAProxy reports this replica in this state (UP or DOWN). */
  waitFor(name: string, state: 'UP' | 'DOWN', timeoutMs?: number): Promise<void>;
  /** Stops everything it started: the replicas first (SIGTERM, they drain), then HAProxy, Redis, PostgreSQL. */
  stop(): Promise<void>;
}

/** One batch queue worker: `server/batch/cli/main.ts worker --queue <redis>`, spawned with the replicas' registry and store. */
function startBatchWorker(root: string, dir: string, index: number, queueUrl: string, env: Record<string, string>): { stop(): Promise<void> } {
  const log = openSync(join(dir, 'logs', `batch-worker-${index}.log`), 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/batch/cli/main.ts', 'worker', '--queue', queueUrl], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', log, log],
    detached: true,
  });
  closeSync(log);
  recordPid(dir, child.pid);
  const exited = once(child, 'exit');
  return {
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Starts each part in turn; a part that fails to start stops those already running. */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const root = resolve(options.root ?? '.');
  const dir = resolve(options.dir);
  const checkIntervalMs = options.checkIntervalMs ?? 1000;
  const adminToken = options.adminToken ?? DEFAULT_ADMIN_TOKEN;
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const modelRepository = resolve(options.modelRepository ?? join(dir, 'models'));
  if (!options.modelRepository && !existsSync(join(modelRepository, 'manifest.json'))) {
    cpSync(join(root, 'public', 'models'), modelRepository, { recursive: true });
  }

  // A run killed before it could stop its processes left them on the ports this one needs.
  const leftovers = await stopLeftovers(dir);
  if (leftovers > 0) console.warn(`cluster: stopped ${leftovers} process(es) a previous run left behind`);
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
    forgetPids(dir);
  };
  try {
    const pgDir = join(dir, 'postgres');
    await initPostgres(pgDir);
    // A cluster a killed run left behind is stopped first, so it starts on the new port.
    if (await postgresRunning(pgDir)) await stopPostgres(pgDir);
    const databaseUrl = await startPostgres(pgDir, { port: await freePort(), maxConnections: 200 });
    stops.push(() => stopPostgres(pgDir));
    const redis: RedisServer = await startRedis(join(dir, 'redis'), await freePort());
    recordPid(dir, redis.child.pid);
    stops.push(() => redis.stop());

    const env = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      BATCH_QUEUE_URL: redis.url,
      ADMIN_TOKEN: adminToken,
      MODEL_REPOSITORY: modelRepository,
      // HAProxy is on loopback: its X-Forwarded-For names the client the rate limits count.
      TRUST_PROXY: 'loopback',
      DRAIN_MS: String(options.drainMs ?? 3 * checkIntervalMs),
      ...options.env,
    };
    const replicas = Array.from(
      { length: options.replicas },
      (_, i) => new Replica({ name: `r${i + 1}`, port: options.port + i + 1, dir: join(dir, 'replicas', `r${i + 1}`), env, root }),
    );
    // Batch workers finish their running chunks on SIGTERM; they stop after the replicas.
    const workers = Array.from({ length: options.batchWorkers ?? 1 }, (_, i) => startBatchWorker(root, dir, i + 1, redis.url, env));
    stops.push(async () => {
      await Promise.all(workers.map((w) => w.stop()));
    });
    // The replicas stop before the balancer; the array is walked backwards.
    stops.push(async () => {
      for (const replica of replicas) await replica.stop();
    });
    // One at a time: the first applies the store's migrations, and two cores load models slowly side by side.
    for (const replica of replicas) {
      await replica.start();
      recordPid(dir, replica.pid);
    }

    const statsSocket = join(dir, 'haproxy.sock');
    const log = openSync(join(dir, 'logs', 'haproxy.log'), 'a');
    let balancer: Balancer;
    try {
      balancer = await startHaproxy(
        join(dir, 'haproxy.cfg'),
        {
          port: options.port,
          host: options.host ?? '127.0.0.1',
          servers: replicas.map((r) => ({ name: r.settings.name, port: r.settings.port })),
          statsSocket,
          checkIntervalMs,
        },
        log,
      );
    } finally {
      closeSync(log);
    }
    recordPid(dir, balancer.child.pid);
    // Before the replicas' stop, so that it runs after it.
    stops.splice(stops.length - 1, 0, () => balancer.stop());
    const states = () => serverStates(statsSocket);
    const waitFor = async (name: string, state: 'UP' | 'DOWN', timeoutMs = 30_000) => {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        if ((await states().catch(() => new Map<string, string>())).get(name) === state) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`HAProxy did not see ${name} ${state} within ${timeoutMs} ms`);
    };
    for (const replica of replicas) await waitFor(replica.settings.name, 'UP');
    return {
      url: `http://${options.host ?? '127.0.0.1'}:${options.port}`,
      replicas,
      databaseUrl,
      redisUrl: redis.url,
      modelRepository,
      adminToken,
      dir,
      states,
      counters: () => backendCounters(statsSocket),
      setInRotation: (name, inRotation) => setServerState(statsSocket, name, inRotation ? 'ready' : 'maint'),
      waitFor,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
