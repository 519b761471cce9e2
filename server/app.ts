import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import type { ServerConfig } from './config';
import { registerIsolationHeaders } from './http/isolation-headers';

/** Builds the server: the PWA's static files on the same origin as the APIs. */
export async function buildServer(config: ServerConfig): Promise<FastifyInstance> {
  const app = Fastify({ logger: { level: config.logLevel } });
  registerIsolationHeaders(app);

  app.get('/v2/health/live', async () => ({ live: true }));

  const root = resolve(config.staticDir);
  if (!existsSync(resolve(root, 'index.html'))) {
    throw new Error(`no built app in ${root} (index.html missing): run "npm run build" first`);
  }
  await app.register(fastifyStatic, { root, index: ['index.html'] });
  return app;
}
