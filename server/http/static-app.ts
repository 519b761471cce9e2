/**
 * Serves the built PWA. Hashed assets are cached for a year; everything else
 * (index.html, sw.js) is revalidated on each use, so a new deployment is seen
 * at once. The model pack under /models/ is not the build's: the registry's
 * is served by server/routes/model-pack.ts, whose routes win over these. Where the build left `.br` or `.gz` twins, a
 * client that accepts them gets those, with the decoded size in a header so
 * download progress can still show a fraction. The operations dashboard, a
 * page of its own (ops.html), is answered at /ops.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { DECODED_LENGTH_HEADER } from '../../src/core/api/headers';

/** Files whose names carry a content hash (Vite's build output): they never change under one URL. */
const HASHED = /[\\/]assets[\\/]/;

export async function registerStaticApp(app: FastifyInstance, root: string): Promise<void> {
  await app.register(fastifyStatic, {
    root,
    index: ['index.html'],
    preCompressed: true,
    setHeaders(reply, path) {
      if (HASHED.test(path)) reply.header('cache-control', 'public, max-age=31536000, immutable');
      const original = path.replace(/\.(br|gz)$/, '');
      if (original !== path) reply.header(DECODED_LENGTH_HEADER, String(statSync(original, { throwIfNoEntry: false })?.size ?? ''));
    },
  });
  // The dashboard's page, revalidated on each use like index.html (hidden: a page, not an API operation).
  if (existsSync(join(root, OPS_PAGE))) {
    for (const url of ['/ops', '/ops/'])
      app.get(url, { schema: { hide: true } }, (_request, reply) => {
        reply.header('cache-control', 'no-cache').sendFile(OPS_PAGE, { cacheControl: false });
      });
  }
}

/** The operations dashboard's page in the build (a Vite entry of its own, never precached). */
export const OPS_PAGE = 'ops.html';
