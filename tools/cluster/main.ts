/**
 * npm run cluster -- --replicas <n> [--port 8080] [--dir .cluster] [--host 127.0.0.1] [--drain-ms <ms>] [--batch-workers 1]
 *
 * The product as a cluster on this machine (cluster.ts): PostgreSQL, Redis,
 * n replicas and HAProxy in front. Prints where everything is; Ctrl-C (or
 * SIGTERM) stops everything it started, the replicas first.
 */
import { parseArgs } from 'node:util';
import { startCluster, type Cluster } from './cluster';

const USAGE = 'usage: npm run cluster -- --replicas <n> [--port 8080] [--dir .cluster] [--host 127.0.0.1] [--drain-ms <ms>] [--batch-workers 1]';

function positive(name: string, text: string | undefined, fallback: number, min = 1): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name}: must be a whole number of at least ${min} (got ${JSON.stringify(text)})\n${USAGE}`);
  return value;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      replicas: { type: 'string', short: 'n' },
      port: { type: 'string', short: 'p' },
      dir: { type: 'string' },
      host: { type: 'string' },
      'drain-ms': { type: 'string' },
      'batch-workers': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const replicas = positive('replicas', values.replicas, 2);
  const port = positive('port', values.port, 8080);
  if (port + replicas > 65535) throw new Error(`--port: ${port} + ${replicas} replicas runs past port 65535`);
  const dir = values.dir ?? '.cluster';
  console.log(`cluster: starting PostgreSQL, Redis, ${replicas} replica(s) and HAProxy in ${dir}/ …`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\ncluster: ${signal}: stopping the replicas (they drain), then HAProxy, Redis and PostgreSQL …`);
    // A signal while starting: what started is stopped once the start ends.
    await started.then(
      (c) => c.stop(),
      () => undefined,
    );
    console.log('cluster: stopped');
    process.exit(0);
  };
  const started: Promise<Cluster> = startCluster({
    replicas,
    port,
    dir,
    ...(values.host ? { host: values.host } : {}),
    ...(values['drain-ms'] !== undefined ? { drainMs: positive('drain-ms', values['drain-ms'], 0, 0) } : {}),
    batchWorkers: positive('batch-workers', values['batch-workers'], 1, 0),
    env: { LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'info' },
  });
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  const c = await started;
  if (stopping) return;
  console.log(
    [
      '',
      `  balancer    ${c.url}  (HAProxy; config ${c.dir}/haproxy.cfg, log ${c.dir}/logs/haproxy.log, stats socket ${c.dir}/haproxy.sock)`,
      ...c.replicas.map((r) => `  replica ${r.settings.name.padEnd(3)} ${r.url}  (pid ${r.pid}; log ${r.log})`),
      `  PostgreSQL  ${c.databaseUrl}  (data ${c.dir}/postgres)`,
      `  Redis       ${c.redisUrl}  (rate limits, batch queue; batch worker logs in ${c.dir}/logs/)`,
      `  models      ${c.modelRepository}  (the shared model registry)`,
      `  admin token ${c.adminToken}`,
      '',
      `  try: curl -s ${c.url}/v2/health/ready; Ctrl-C stops everything`,
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  console.error(`cluster: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
