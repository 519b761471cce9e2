/**
 * Routes declare their wire shapes as zod schemas (src/core/api): Fastify
 * validates params and small bodies with them, and the API document is made
 * from them. A body that is declared `handParsed` is documented by its schema
 * but checked by the route's own parser (large pixel arrays, errors that name
 * the exact element). Responses are typed by their schemas at compile time
 * and sent with plain JSON.stringify.
 */
import type { FastifyInstance } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { ErrorBody } from '../../src/core/api/errors';

const HAND_PARSED = new WeakSet<object>();

/** Marks a body schema as documentation only: the route parses that body by hand. */
export function handParsed<T extends z.ZodType>(schema: T): T {
  HAND_PARSED.add(schema);
  return schema;
}

export function registerSchemaCompilers(app: FastifyInstance): void {
  app.setValidatorCompiler<z.ZodType>((route) => {
    if (route.httpPart === 'body' && HAND_PARSED.has(route.schema)) return (data) => ({ value: data });
    return validatorCompiler(route);
  });
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
}

/** Every route's error answers, for the document. */
export const ERROR_RESPONSES = { '4xx': ErrorBody, '5xx': ErrorBody } as const;
