/**
 * The model pack the PWA installs, served from the model registry and the
 * deployments rather than from the build, so a promotion reaches installed
 * apps without a new build:
 *  - `GET /models/manifest.json`: the registry's manifest with each model's
 *    champion alone (revalidated on each use);
 *  - `GET /models/precache.js`: a classic script the service worker imports,
 *    setting `self.__MODEL_PACK` to that manifest and each edge champion's
 *    model file with their revisions. Browsers byte-check imported scripts
 *    on each update check, so a new champion installs a new worker and the
 *    app offers the update;
 *  - `GET /models/registry.json`: the registry's whole manifest, every
 *    version (the operations dashboard offers them all);
 *  - `GET /models/<name>/<version>/<file>`: a file the manifest names
 *    (model, reference statistics), cached for a year: a listed version's
 *    files never change under their URL.
 * Files, not API operations: hidden from the API document. Registered before
 * the static app, so these win over the build's copy of public/models.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ServiceError } from '../../src/core/api/errors';
import type { RouteOptions } from '../context';
import { EncodedBytes } from '../http/encoded-bytes';
import { championPack, listedFiles, precacheScript, readRegistryManifest, type ChampionPack, type RegistryManifest } from '../serving/deployment/champion-pack';

const REVALIDATE = 'no-cache';
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** A path segment the registry's layout can hold; anything else (., .., separators, NUL) is refused as a path outside it. */
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;
const TYPES: Readonly<Record<string, string>> = { '.onnx': 'application/octet-stream', '.json': 'application/json; charset=utf-8' };

interface FileParams {
  readonly name: string;
  readonly version: string;
  readonly file: string;
}

export const modelPackRoutes: FastifyPluginAsync<RouteOptions> = async (app, { context }) => {
  const { registry, deployments } = context;
  const encoder = new EncodedBytes();
  let last: { text: string; manifest: RegistryManifest } | undefined;

  /** The registry's manifest, read on each use (a retraining may have added a version), parsed again only when it changed. */
  async function registryManifest(): Promise<{ text: string; manifest: RegistryManifest }> {
    const text = await readFile(join(registry.directory, 'manifest.json'), 'utf8');
    if (last?.text !== text) last = { text, manifest: readRegistryManifest(text) };
    return last;
  }

  async function currentPack(): Promise<ChampionPack> {
    // routing() names the champion even before the models load (from the stored deployment), so the pack does not flicker at start.
    return championPack((await registryManifest()).manifest, (model) => deployments.routing(model).champion || undefined);
  }

  /** 304 when the client holds these bytes already: a service worker's update check costs no body. */
  function notModified(request: FastifyRequest, reply: FastifyReply, hash: string): boolean {
    const etag = `"${hash}"`;
    reply.header('etag', etag);
    return request.headers['if-none-match'] === etag;
  }

  app.get('/models/manifest.json', { schema: { hide: true } }, async (request, reply) => {
    const pack = await currentPack();
    reply.header('cache-control', REVALIDATE).type('application/json; charset=utf-8');
    if (notModified(request, reply, pack.manifestSha256)) return reply.code(304).send();
    return encoder.send(request, reply, Buffer.from(pack.manifestText), pack.manifestSha256);
  });

  app.get('/models/registry.json', { schema: { hide: true } }, async (request, reply) => {
    const text = (await registryManifest()).text;
    const hash = createHash('sha256').update(text).digest('hex');
    reply.header('cache-control', REVALIDATE).type('application/json; charset=utf-8');
    if (notModified(request, reply, hash)) return reply.code(304).send();
    return encoder.send(request, reply, Buffer.from(text), hash);
  });

  app.get('/models/precache.js', { schema: { hide: true } }, async (_request, reply) => {
    // A few hundred bytes, sent as they are; no-cache, so the browser's byte check of imported scripts sees each change.
    return reply
      .header('cache-control', REVALIDATE)
      .type('text/javascript; charset=utf-8')
      .send(precacheScript(await currentPack()));
  });

  app.get<{ Params: FileParams }>('/models/:name/:version/:file', { schema: { hide: true } }, async (request, reply) => {
    const { name, version, file } = request.params;
    if (![name, version, file].every((s) => SEGMENT.test(s))) {
      throw new ServiceError('FORBIDDEN', `the path is not a file of the model registry: ${request.url.split('?')[0] ?? ''}`);
    }
    const path = `${name}/${version}/${file}`;
    // Only files the manifest names: a version being written is not listed yet, so nothing half written is cached for a year.
    const hash = listedFiles((await registryManifest()).manifest.parsed).get(path);
    if (hash === undefined) throw new ServiceError('NOT_FOUND', `the model registry lists no file ${path}`);
    reply.header('cache-control', IMMUTABLE).type(TYPES[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream');
    if (notModified(request, reply, hash)) return reply.code(304).send();
    const bytes = await readFile(join(registry.directory, path)).catch((error: NodeJS.ErrnoException) => {
      throw new ServiceError('NOT_FOUND', `the model registry lists ${path}, but it cannot be read (${error.code ?? error.message})`);
    });
    return encoder.send(request, reply, bytes, hash);
  });
};
