/**
 * Every server setting, read from the environment and checked at start.
 * A bad value stops the server with a message naming the variable.
 */
import { isIP } from 'node:net';
import { availableParallelism, hostname } from 'node:os';
import { z } from 'zod';
import { DEFAULT_INTRA_OP_THREADS } from '../tools/onnx/runtime';
import { MODEL_PACK_DIR } from '../src/core/manifest';
import type { BatchJobsSettings } from './batch/service/batch-jobs';
import type { EvaluationSettings } from './evaluation/settings';
import { DEFAULT_PROMOTION_MARGIN } from './evaluation/promotion/challenger-gate';
import { DEFAULT_FRESH_SHARE, DEFAULT_MIN_LABELS, DEFAULT_RETRAIN_COMMAND, type RetrainSettings } from './evaluation/retrain/settings';
import { BatchingSchema, positiveInt, type ServingSettings } from './serving/settings';

const flag = z.enum(['on', 'off', 'true', 'false', '1', '0']).transform((v) => ['on', 'true', '1'].includes(v));

/** A proxy address Fastify's trustProxy (proxy-addr) takes: an IP, a CIDR, or one of its named ranges. */
const proxyAddress = (text: string) => {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(text)) return true;
  const [ip = '', bits, ...rest] = text.split('/');
  const version = isIP(ip);
  if (version === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d+$/.test(bits) && n <= (version === 4 ? 32 : 128);
};

/** off (default), on (any X-Forwarded-For is believed), or the proxies' addresses and CIDRs, comma-separated. */
const TrustProxy = z.string().transform((text, ctx): boolean | string[] => {
  const lower = text.trim().toLowerCase();
  if (['on', 'true', '1'].includes(lower)) return true;
  if (['off', 'false', '0'].includes(lower)) return false;
  const list = text
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  const bad = list.filter((a) => !proxyAddress(a));
  if (list.length === 0 || bad.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message: `must be on, off, or a comma-separated list of proxy addresses or CIDRs such as 10.0.0.5,10.1.0.0/16${bad.length > 0 ? ` (not an address: ${bad.join(', ')})` : ''}`,
    });
    return z.NEVER;
  }
  return list;
});

const redisUrl = z
  .string()
  .regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL')
  .optional();

const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('localhost'),
  STATIC_DIR: z.string().min(1).default('dist'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MODEL_REPOSITORY: z.string().min(1).default(MODEL_PACK_DIR),
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  MAX_INSTANCES: positiveInt.max(100_000).default(256),
  BODY_LIMIT_BYTES: positiveInt.default(8 * 1024 * 1024),
  REQUEST_TIMEOUT_MS: positiveInt.default(10_000),
  BATCHING: flag.default(true),
  MAX_BATCH_SIZE: BatchingSchema.shape.maxBatchSize.default(64),
  // 0: no waiting for company; requests that arrive while a run is in flight form the next batch.
  MAX_QUEUE_DELAY_MS: BatchingSchema.shape.maxQueueDelayMs.default(0),
  MAX_QUEUE_ROWS: BatchingSchema.shape.maxQueueRows.default(2048),
  MODEL_BATCHING: z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON: {"<model>": {"maxBatchSize": n, ...}}' });
        return z.NEVER;
      }
    })
    .pipe(z.record(z.string(), BatchingSchema.partial()))
    .optional(),
  // Rows a challenger runs in shadow at once at most; beyond, shadow runs are dropped and counted.
  SHADOW_MAX_ROWS: positiveInt.max(1_000_000).default(1024),
  EXPLAIN_CONCURRENCY: positiveInt.max(64).default(1),
  EXPLAIN_MAX_INSTANCES: positiveInt.max(1024).default(16),
  EXPLAIN_MAX_WAITING: z.coerce.number().int().min(0).default(8),
  // One core stays with the event loop (HTTP, JSON); the rest compute.
  INTRA_OP_THREADS: positiveInt.max(256).default(DEFAULT_INTRA_OP_THREADS),
  INTRA_OP_SPINNING: flag.default(true),
  CORS_ORIGINS: z
    .string()
    .transform((list) =>
      list
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url({ message: 'must be a comma-separated list of origins such as https://example.com' })))
    .default([]),
  // Threads that decode PNG instances off the event loop; one core stays with the event loop.
  DECODE_THREADS: positiveInt.max(256).default(Math.max(1, availableParallelism() - 1)),
  // Decoded pixels of all images in one request together (one 4096x4096 image by default).
  MAX_IMAGE_PIXELS: positiveInt.max(1 << 28).default(4096 * 4096),
  // The whole request (headers and body) must arrive within this; slow or silent sockets are closed.
  HTTP_REQUEST_TIMEOUT_MS: positiveInt.default(30_000),
  HTTP_KEEPALIVE_TIMEOUT_MS: positiveInt.default(5_000),
  // After SIGTERM: requests in flight get this long, then remaining connections close and the process exits.
  SHUTDOWN_TIMEOUT_MS: positiveInt.default(30_000),
  // One log line per request (Fastify's request logging); off by default, as it dominates the logs.
  LOG_REQUESTS: flag.default(false),
  // Serves /metrics on a listener of its own as well (Triton uses 8002).
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  // Continued evaluation: the store, the prediction log, windows and alerts.
  EVALUATION: flag.default(true),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATA_DIR: z.string().min(1).default('data'),
  LOG_SAMPLE_RATE: z.coerce.number().min(0).max(1).default(1),
  // The share of edge predictions the PWA sends to the log, by the same hash of the key (labelled drawings always).
  EDGE_LOG_SAMPLE_RATE: z.coerce.number().min(0).max(1).default(0.2),
  LOG_INPUTS: flag.default(true),
  LOG_BUFFER_ROWS: positiveInt.default(20_000),
  LOG_BATCH_ROWS: positiveInt.max(50_000).default(2_000),
  LOG_FLUSH_MS: positiveInt.max(60_000).default(200),
  MIN_LABELS: positiveInt.default(30),
  FEEDBACK_RATE_LIMIT: positiveInt.default(600),
  MONITORING_RULES: z.string().min(1).optional(),
  MONITORING_INTERVAL_S: positiveInt.default(60),
  ALERT_WEBHOOK_URL: z.url({ message: 'must be an http(s) URL' }).optional(),
  // Batch jobs through the API: inputs named by path live under BATCH_DIR, and so do the jobs.
  BATCH_DIR: z.string().min(1).default('batch'),
  // Background threads (lowest priority): they take the cores online requests leave idle.
  BATCH_WORKERS: positiveInt.max(256).default(availableParallelism()),
  BATCH_QUEUE_URL: redisUrl,
  // Redis shared by replicas: per-client rate limits are counted there (in memory without it).
  REDIS_URL: redisUrl,
  // The address other replicas reach this one at (for the batch jobs it holds); default http://HOST:PORT.
  REPLICA_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional(),
  // Behind a balancer: whose X-Forwarded-For to believe, so the client's address is the one before the proxy.
  TRUST_PROXY: TrustProxy.default(false),
  BATCH_UPLOAD_LIMIT_BYTES: positiveInt.default(4 * 1024 ** 3),
  // Retraining through the server: the command that writes the next version, and the gate that judges it.
  RETRAIN_COMMAND: z.string().min(1).default(DEFAULT_RETRAIN_COMMAND),
  RETRAIN_DIR: z.string().min(1).default('retrain'),
  RETRAIN_TIMEOUT_S: positiveInt.default(3600),
  RETRAIN_FRESH_SHARE: z.coerce.number().gt(0).lt(1).default(DEFAULT_FRESH_SHARE),
  RETRAIN_MIN_LABELS: positiveInt.default(DEFAULT_MIN_LABELS),
  PROMOTION_MARGIN: z.coerce.number().min(0).max(1).default(DEFAULT_PROMOTION_MARGIN),
});

type ParsedConfig = z.infer<typeof ConfigSchema>;

export interface ServerConfig extends ServingSettings {
  readonly port: number;
  readonly host: string;
  readonly staticDir: string;
  readonly logLevel: ParsedConfig['LOG_LEVEL'];
  /** Unset: the admin routes are off. */
  readonly adminToken: string | undefined;
  readonly maxInstances: number;
  readonly bodyLimitBytes: number;
  readonly requestTimeoutMs: number;
  /** Rows queued or running in shadow at most. */
  readonly shadowMaxRows: number;
  readonly explain: { readonly concurrency: number; readonly maxInstances: number; readonly maxWaiting: number };
  readonly corsOrigins: readonly string[];
  readonly maxImagePixels: number;
  /** Threads decoding PNG instances at most (started when images arrive). */
  readonly decodeThreads: number;
  readonly http: { readonly requestTimeoutMs: number; readonly keepAliveTimeoutMs: number };
  readonly shutdownTimeoutMs: number;
  readonly logRequests: boolean;
  /** Unset: /metrics is served on the main port only. */
  readonly metricsPort: number | undefined;
  /** Unset: rate limits are counted in this process; set, in this Redis, across every replica. */
  readonly redisUrl: string | undefined;
  /** The address other replicas reach this one at: a batch job's output and cancellation are forwarded here. */
  readonly replicaUrl: string;
  /** Fastify's trustProxy: which X-Forwarded-For to believe for the client's address (request.ip). */
  readonly trustProxy: boolean | readonly string[];
  readonly evaluation: EvaluationSettings;
  readonly batch: BatchJobsSettings & { readonly uploadLimitBytes: number };
  readonly retrain: RetrainSettings;
}

/** HOST:PORT as another host would dial it: a wildcard address names this machine by its host name. */
function defaultReplicaUrl(host: string, port: number): string {
  const name = host === '0.0.0.0' || host === '::' ? hostname() : host;
  return `http://${name.includes(':') ? `[${name}]` : name}:${port}`;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(env: Record<string, string | undefined> = process.env): ServerConfig {
  const known = Object.keys(ConfigSchema.shape);
  const defined = Object.fromEntries(Object.entries(env).filter(([k, v]) => known.includes(k) && v !== undefined && v !== ''));
  const result = ConfigSchema.safeParse(defined);
  if (!result.success) {
    const problems = result.error.issues.map((i) => {
      const name = String(i.path[0]);
      const shown = ['ADMIN_TOKEN', 'DATABASE_URL', 'BATCH_QUEUE_URL', 'REDIS_URL'].includes(name) ? '(hidden)' : JSON.stringify(defined[name]);
      return `${i.path.join('.')}: ${i.message} (got ${shown})`;
    });
    throw new ConfigError(`invalid server settings: ${problems.join('; ')}`);
  }
  const c = result.data;
  return {
    port: c.PORT,
    host: c.HOST,
    staticDir: c.STATIC_DIR,
    logLevel: c.LOG_LEVEL,
    modelRegistry: c.MODEL_REPOSITORY,
    adminToken: c.ADMIN_TOKEN,
    maxInstances: c.MAX_INSTANCES,
    bodyLimitBytes: c.BODY_LIMIT_BYTES,
    requestTimeoutMs: c.REQUEST_TIMEOUT_MS,
    batching: { enabled: c.BATCHING, maxBatchSize: c.MAX_BATCH_SIZE, maxQueueDelayMs: c.MAX_QUEUE_DELAY_MS, maxQueueRows: c.MAX_QUEUE_ROWS },
    modelBatching: c.MODEL_BATCHING ?? {},
    shadowMaxRows: c.SHADOW_MAX_ROWS,
    explain: { concurrency: c.EXPLAIN_CONCURRENCY, maxInstances: c.EXPLAIN_MAX_INSTANCES, maxWaiting: c.EXPLAIN_MAX_WAITING },
    intraOpThreads: c.INTRA_OP_THREADS,
    intraOpSpinning: c.INTRA_OP_SPINNING,
    corsOrigins: c.CORS_ORIGINS,
    maxImagePixels: c.MAX_IMAGE_PIXELS,
    decodeThreads: c.DECODE_THREADS,
    http: { requestTimeoutMs: c.HTTP_REQUEST_TIMEOUT_MS, keepAliveTimeoutMs: c.HTTP_KEEPALIVE_TIMEOUT_MS },
    shutdownTimeoutMs: c.SHUTDOWN_TIMEOUT_MS,
    logRequests: c.LOG_REQUESTS,
    metricsPort: c.METRICS_PORT,
    redisUrl: c.REDIS_URL,
    trustProxy: c.TRUST_PROXY,
    replicaUrl: c.REPLICA_URL ?? defaultReplicaUrl(c.HOST, c.PORT),
    evaluation: {
      enabled: c.EVALUATION,
      store: { databaseUrl: c.DATABASE_URL, dataDir: c.DATA_DIR },
      log: {
        sampleRate: c.LOG_SAMPLE_RATE,
        logInputs: c.LOG_INPUTS,
        bufferRows: c.LOG_BUFFER_ROWS,
        batchRows: c.LOG_BATCH_ROWS,
        flushIntervalMs: c.LOG_FLUSH_MS,
      },
      edgeLogSampleRate: c.EDGE_LOG_SAMPLE_RATE,
      minLabels: c.MIN_LABELS,
      rateLimitPerMinute: c.FEEDBACK_RATE_LIMIT,
      rulesFile: c.MONITORING_RULES,
      intervalSeconds: c.MONITORING_INTERVAL_S,
      alertWebhookUrl: c.ALERT_WEBHOOK_URL,
    },
    batch: {
      dir: c.BATCH_DIR,
      workers: c.BATCH_WORKERS,
      queueUrl: c.BATCH_QUEUE_URL,
      registry: c.MODEL_REPOSITORY,
      uploadLimitBytes: c.BATCH_UPLOAD_LIMIT_BYTES,
    },
    retrain: {
      command: c.RETRAIN_COMMAND,
      dir: c.RETRAIN_DIR,
      timeoutSeconds: c.RETRAIN_TIMEOUT_S,
      freshShare: c.RETRAIN_FRESH_SHARE,
      minLabels: c.RETRAIN_MIN_LABELS,
      margin: c.PROMOTION_MARGIN,
    },
  };
}
