/**
 * The API server: one Fastify process, one origin, over the serving core.
 * It serves the OIP and keyed APIs, administration, metrics, the API
 * document and, when it has been built, the PWA. Models are not loaded here;
 * call `context.registry.loadAll()` (main does so after listening, so
 * liveness answers while the models warm up and readiness follows).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import fastifyCors from '@fastify/cors';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { ServerConfig } from './config';
import type { ServerContext } from './context';
import { registerDocs } from './http/docs';
import { clientErrorHandler, frameworkErrors, registerErrorHandling } from './http/error-handler';
import { requestIdOf } from './http/request-id';
import { registerResponseHeaders } from './http/response-headers';
import { registerSchemaCompilers } from './http/schemas';
import { registerLoadShedding } from './http/shed';
import { registerStaticApp } from './http/static-app';
import { closeSharedRedis, openSharedRedis, SHARED_REDIS } from './http/shared-redis';
import { ServerMetrics } from './metrics/metrics';
import { ChunkLog } from './batch/log/chunk-log';
import { BatchJobs } from './batch/service/batch-jobs';
import { SharedJobs } from './batch/service/shared-jobs';
import { Evaluation } from './evaluation/evaluation';
import { AlertScheduler } from './evaluation/rules/scheduler';
import { adminRoutes } from './routes/admin';
import { alertRoutes } from './routes/alerts';
import { batchJobRoutes } from './routes/batch-jobs';
import { appConfigRoutes } from './routes/app-config';
import { feedbackRoutes } from './routes/feedback';
import { monitoringRoutes } from './routes/monitoring';
import { predictionLogRoutes } from './routes/prediction-logs';
import { metricsRoutes } from './routes/metrics';
import { modelPackRoutes } from './routes/model-pack';
import { oipRoutes } from './routes/oip';
import { predictRoutes } from './routes/predict';
import { Deployments } from './serving/deployment/deployments';
import { refreshDeployments } from './serving/deployment/refresher';
import { ShadowRunner } from './serving/deployment/shadow';
import { memoryDeploymentStore, sqlDeploymentStore } from './serving/deployment/store';
import { deploymentRoutes } from './routes/deployments';
import { retrainRoutes } from './routes/retrain';
import { RetrainRunner } from './evaluation/promotion/retrain-runner';
import type { AlertRecord } from '../src/core/api/alerts';
import { KeyedPredictor } from './serving/inference/keyed';
import { ModelRegistry } from './serving/registry';

/** How often deployments are read again from a store replicas share. */
const DEPLOYMENT_REFRESH_MS = 5_000;

export interface Server {
  readonly app: FastifyInstance;
  readonly context: ServerContext;
}

export async function buildServer(config: ServerConfig): Promise<Server> {
  const app = Fastify({
    logger: { level: config.logLevel },
    // One line per request drowns the rest at scale; LOG_REQUESTS turns it on.
    logController: new LogController({ disableRequestLogging: !config.logRequests }),
    genReqId: requestIdOf,
    // Behind a balancer (TRUST_PROXY), request.ip is the client its X-Forwarded-For names: rate limits key on it.
    trustProxy: typeof config.trustProxy === 'boolean' ? config.trustProxy : [...config.trustProxy],
    bodyLimit: config.bodyLimitBytes,
    frameworkErrors,
    clientErrorHandler,
    // The whole request must arrive in time, so silent or trickling sockets are closed.
    requestTimeout: config.http.requestTimeoutMs,
    keepAliveTimeout: config.http.keepAliveTimeoutMs,
    http: {
      requestTimeout: config.http.requestTimeoutMs,
      headersTimeout: config.http.requestTimeoutMs,
      // Node checks the timeouts on this period (30 s by default): a quarter of the timeout keeps the bound close.
      connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.round(config.http.requestTimeoutMs / 4))),
    },
  });
  const metrics = new ServerMetrics();
  const registry = new ModelRegistry(config, (name, version) => metrics.observerFor(name, version));
  const predictor = new KeyedPredictor({ timeoutMs: config.requestTimeoutMs, explain: config.explain });
  const evaluation = config.evaluation.enabled
    ? await Evaluation.open(
        config.evaluation,
        config.modelRegistry,
        metrics.evaluation.events((error) => app.log.warn({ err: error }, 'prediction log: the store failed; rows dropped')),
      )
    : undefined;
  if (evaluation) metrics.evaluation.watchBuffer(() => evaluation.log.buffered);
  // With the store, every replica sharing it reports every replica's jobs.
  const batchJobs = evaluation
    ? new BatchJobs(
        config.batch,
        app.log,
        ChunkLog.over(evaluation.db, evaluation.layouts),
        new SharedJobs(evaluation.db, config.replicaUrl, (error, id) =>
          app.log.warn({ err: error, job: id }, 'batch: the shared job table is not written; other replicas report an older state until it is'),
        ),
      )
    : new BatchJobs(config.batch, app.log, undefined);
  // In the store with continued evaluation, so deployments outlive a restart and replicas share them.
  const deployments = await Deployments.open(registry, evaluation ? sqlDeploymentStore(evaluation.db) : memoryDeploymentStore());
  const shadow: ShadowRunner = new ShadowRunner(
    registry,
    { maxRows: config.shadowMaxRows, timeoutMs: config.requestTimeoutMs },
    evaluation ? (answer) => evaluation.recordAnswer(answer) : undefined,
    metrics.shadow(() => shadow.rows),
  );
  const retrains = evaluation ? new RetrainRunner({ registry, deployments, evaluation, jobs: batchJobs, settings: config.retrain, log: app.log }) : undefined;
  const context: ServerContext = { config, registry, predictor, metrics, evaluation, deployments, shadow, retrains, shuttingDown: false };
  // A rule whose action is retrain starts one, unless one runs for the model already.
  const retrainOnAlert = (record: AlertRecord) =>
    retrains
      ?.start(record.model, `rule:${record.rule}`)
      .catch((error: unknown) => app.log.warn({ err: error, alert: record.id }, 'alert: the retraining was not started'));
  // Reads and checks MONITORING_RULES now: a bad rules file stops the start, naming the field.
  const alerts = evaluation ? await AlertScheduler.open(evaluation, app.log, metrics.evaluation.alerts(), { retrain: retrainOnAlert }) : undefined;

  // One Redis client per server when replicas share one (REDIS_URL): the rate limits count there; never loaded otherwise.
  const redis = config.redisUrl === undefined ? null : await openSharedRedis(config.redisUrl, app.log);
  app.decorate(SHARED_REDIS, redis);

  // The APIs speak JSON only: other bodies get 415, not a string to trip over.
  app.removeContentTypeParser('text/plain');
  registerSchemaCompilers(app);
  registerErrorHandling(app);
  registerResponseHeaders(app);
  // Before the routes: a full queue refuses inference requests before their bodies are read.
  registerLoadShedding(app, registry);
  if (config.corsOrigins.length > 0) await app.register(fastifyCors, { origin: [...config.corsOrigins] });
  await registerDocs(app);
  await app.register(metricsRoutes, { context });
  await app.register(oipRoutes, { context });
  await app.register(predictRoutes, { context });
  await app.register(adminRoutes, { context });
  await app.register(deploymentRoutes, { context });
  await app.register(retrainRoutes, { context });
  await app.register(appConfigRoutes, { context });
  await app.register(feedbackRoutes, { context });
  await app.register(predictionLogRoutes, { context });
  await app.register(monitoringRoutes, { context });
  await app.register(alertRoutes, { context, alerts });
  await app.register(batchJobRoutes, { context, jobs: batchJobs });
  // The model pack comes from the registry and the deployments, before the static app's copy of public/models.
  await app.register(modelPackRoutes, { context });
  // Without a build (a batch host, API-only tests), the APIs still serve.
  const root = resolve(config.staticDir);
  if (existsSync(resolve(root, 'index.html'))) await registerStaticApp(app, root);
  else app.log.warn(`no built app in ${root} (index.html missing): serving the APIs only; run "npm run build" for the PWA`);

  app.addHook('preClose', async () => {
    context.shuttingDown = true;
  });
  // The rules run every MONITORING_INTERVAL_S once the server is ready; stopped before the store closes.
  app.addHook('onReady', async () => alerts?.start());
  // Jobs a previous server left unfinished resume once this one is ready.
  app.addHook('onReady', async () => batchJobs.start());
  app.addHook('preClose', async () => alerts?.stop());
  // While stopping, end each keep-alive connection after its answer, or close() would wait on idle sockets.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (context.shuttingDown) reply.header('connection', 'close');
    return payload;
  });
  // Fastify waits for requests in flight before onClose; then the batchers drain.
  // A replica sharing the store sees another's deployment change within DEPLOYMENT_REFRESH_MS, and loads
  // the versions it names from the shared registry folder; a refresh in flight ends before the models close.
  const refresher = evaluation ? refreshDeployments(deployments, app.log, DEPLOYMENT_REFRESH_MS) : undefined;
  app.addHook('preClose', async () => refresher?.stop());
  // A retraining in progress stops (its command is killed, the run fails) before the models, jobs and store it uses close.
  app.addHook('onClose', async () => retrains?.close());
  // Shadow runs end (answered, or failed by their deadline) before the models close.
  app.addHook('onClose', async () => shadow.settled());
  app.addHook('onClose', async () => registry.close());
  // The running batch job is interrupted (it resumes on the next start) before the store it may log to closes.
  app.addHook('onClose', async () => batchJobs.close());
  // After the models: answers still in flight are logged, then the log is written and the store closed.
  app.addHook('onClose', async () => evaluation?.close());
  app.addHook('onClose', async () => (redis ? closeSharedRedis(redis) : undefined));
  return { app, context };
}

/** Builds the server with every model loaded and warm (tests and benchmarks). */
export async function buildReadyServer(config: ServerConfig): Promise<Server> {
  const server = await buildServer(config);
  await server.context.registry.loadAll();
  return server;
}
