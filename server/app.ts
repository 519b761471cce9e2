import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import fastifyCors from '@fastify/cors';
import Fastify, { type FastifyInstance } from 'fastify';
import type { ServerConfig } from './config';
import type { ServerContext } from './context';
import { registerErrorHandler } from './http/errors';
import { registerIsolationHeaders } from './http/isolation-headers';
import { registerStaticApp } from './http/static-app';
import { ServerMetrics } from './metrics/metrics';
import { ModelRepository } from './repository/repository';
import { registerAdminRoutes } from './routes/admin';
import { registerMetrics } from './routes/metrics';
import { registerOipRoutes } from './routes/oip';
import { registerPredictRoutes } from './routes/predict';

export interface Server {
  readonly app: FastifyInstance;
  readonly context: ServerContext;
}

/**
 * One process, one origin: the built PWA and the APIs. Models are not loaded
 * here; call `context.repository.loadAll()` (main does so after listening, so
 * liveness answers while the models warm up and readiness follows).
 */
export async function buildServer(config: ServerConfig): Promise<Server> {
  const root = resolve(config.staticDir);
  if (!existsSync(resolve(root, 'index.html'))) {
    throw new Error(`no built app in ${root} (index.html missing): run "npm run build" first`);
  }
  const app = Fastify({ logger: { level: config.logLevel }, bodyLimit: config.bodyLimitBytes });
  const metrics = new ServerMetrics();
  const repository = new ModelRepository(config, (name, version) => metrics.observerFor(name, version));
  const context: ServerContext = { config, repository, metrics, shuttingDown: false };

  // The APIs speak JSON only: other bodies get 415, not a string to trip over.
  app.removeContentTypeParser('text/plain');
  registerErrorHandler(app);
  registerIsolationHeaders(app);
  if (config.corsOrigins.length > 0) await app.register(fastifyCors, { origin: [...config.corsOrigins] });
  registerMetrics(app, context);
  registerOipRoutes(app, context);
  registerPredictRoutes(app, context);
  registerAdminRoutes(app, context);
  await registerStaticApp(app, root);

  app.addHook('preClose', async () => {
    context.shuttingDown = true;
  });
  // While stopping, end each keep-alive connection after its answer, or close() would wait on idle sockets.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (context.shuttingDown) reply.header('connection', 'close');
    return payload;
  });
  // Fastify waits for requests in flight before onClose; then the batchers drain.
  app.addHook('onClose', async () => repository.close());
  return { app, context };
}

/** Builds the server with every model loaded and warm (tests and benchmarks). */
export async function buildReadyServer(config: ServerConfig): Promise<Server> {
  const server = await buildServer(config);
  await server.context.repository.loadAll();
  return server;
}
