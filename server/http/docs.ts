/**
 * The API document: OpenAPI 3 made from the routes' zod schemas, served at
 * /openapi.json, and a readable page at /docs (Swagger UI, served from the
 * package, nothing from elsewhere). Register before the routes: the document
 * collects routes as they are added.
 */
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { ERROR_CATALOG, type ErrorCode } from '../../src/core/api/errors';
import { SERVER_NAME, SERVER_VERSION } from '../version';
import { foldInputTwins } from './openapi-twins';

/**
 * Set on a route's schema when its body may be left out: @fastify/swagger
 * marks every declared body required, and the document is corrected after.
 */
export const OPTIONAL_BODY = 'x-body-optional';

/** Marks the request bodies of operations that carry OPTIONAL_BODY as not required. */
function markOptionalBodies(document: ApiDocument): ApiDocument {
  for (const operations of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(operations ?? {}) as Record<string, unknown>[]) {
      if (typeof operation !== 'object' || operation === null || !(OPTIONAL_BODY in operation)) continue;
      delete operation[OPTIONAL_BODY];
      const body = operation['requestBody'] as { required?: boolean } | undefined;
      if (body) body.required = false;
    }
  }
  return document;
}

/** A route whose router path differs from the path a client writes (the `:predict` verb). */
export interface OpenApiAlias {
  readonly url: string;
  readonly params: z.ZodObject;
}

type ApiDocument = Exclude<ReturnType<FastifyInstance['swagger']>, string>;

const errorTable = (Object.keys(ERROR_CATALOG) as ErrorCode[])
  .map((code) => `| ${code} | ${ERROR_CATALOG[code].status} | ${ERROR_CATALOG[code].meaning} |`)
  .join('\n');

const DESCRIPTION = `The cloud half of a two-phase edge/cloud inference app: the Open Inference Protocol (KServe V2 REST), a keyed prediction API, model administration and metrics.

Every error answer is \`{"error": "<message>", "code": "<CODE>"}\`:

| code | status | meaning |
|---|---|---|
${errorTable}`;

export async function registerDocs(app: FastifyInstance): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: SERVER_NAME, version: SERVER_VERSION, description: DESCRIPTION },
      components: { securitySchemes: { adminToken: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' } } },
    },
    transform: (document) => {
      const alias = (document.route.config as { openapi?: OpenApiAlias } | undefined)?.openapi;
      const routed = alias && document.schema ? { ...document, url: alias.url, schema: { ...document.schema, params: alias.params } } : document;
      return jsonSchemaTransform(routed);
    },
    transformObject: jsonSchemaTransformObject,
  });
  // Made once, on first request: every route is registered by then.
  let document: ApiDocument | undefined;
  const apiDocument = (): ApiDocument => (document ??= markOptionalBodies(foldInputTwins(app.swagger() as ApiDocument)));
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', staticCSP: true, transformSpecification: () => apiDocument() });
  app.get('/openapi.json', { schema: { hide: true } }, async () => apiDocument());
}
