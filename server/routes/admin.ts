/**
 * Model repository administration (token-protected), the Open Inference
 * Protocol's model_repository extension: index the versions the manifest
 * lists, load the ones missing, unload a model, all without a restart.
 */
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ModelLoadResponse,
  RepositoryIndexRequest,
  RepositoryIndexResponse,
  RepositoryLoadRequest,
  RepositoryUnloadRequest,
  RepositoryUnloadResponse,
} from '../../src/core/api/admin';
import { ServiceError } from '../../src/core/api/errors';
import type { RouteOptions } from '../context';
import { authorize } from '../http/auth';
import { OPTIONAL_BODY } from '../http/docs';
import { ERROR_RESPONSES } from '../http/schemas';

const ModelParams = z.object({ model: z.string().min(1) });
const tags = ['Admin'];
const security = [{ adminToken: [] }];
const description = 'The body is optional: none, an empty body and {} mean the same; JSON without a Content-Type is read as JSON.';

export const adminRoutes: FastifyPluginAsyncZod<RouteOptions> = async (app, { context }) => {
  // The token is checked before the body is read: a caller without it learns nothing from body errors.
  app.addHook('onRequest', async (request) => authorize(request, context.config.adminToken));

  // The extension's bodies are optional, and clients send them bare: Triton's Python client posts an
  // empty body, or JSON without a Content-Type. In this plugin only, both read as JSON, and a missing
  // or empty body as {}; any other declared type is still refused.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  const parseBody = (request: FastifyRequest, text: string, done: (error: Error | null, body?: unknown) => void) => {
    if (text.trim() === '') return done(null, undefined);
    void parseJson(request, text, done);
  };
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined) request.body = {};
  });
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => parseBody(request, body as string, done));
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    const type = request.headers['content-type'];
    if (type !== undefined) return done(new ServiceError('UNSUPPORTED_MEDIA_TYPE', `unsupported content type ${type}; send application/json`));
    parseBody(request, body as string, done);
  });

  app.post(
    '/v2/repository/index',
    {
      schema: {
        tags,
        summary: 'Every model version the manifest lists, READY or UNAVAILABLE with the reason',
        description,
        [OPTIONAL_BODY]: true,
        security,
        body: RepositoryIndexRequest,
        response: { 200: RepositoryIndexResponse, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const index = await context.registry.index();
      return request.body.ready ? index.filter((entry) => entry.state === 'READY') : index;
    },
  );

  app.post(
    '/v2/repository/models/:model/load',
    {
      schema: {
        tags,
        summary: 'Load the versions of a model that the manifest lists and the server lacks',
        description,
        [OPTIONAL_BODY]: true,
        security,
        params: ModelParams,
        body: RepositoryLoadRequest,
        response: { 200: ModelLoadResponse, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const name = request.params.model;
      const parameters = Object.keys(request.body.parameters ?? {});
      if (parameters.length > 0) {
        throw new ServiceError(
          'INVALID_REQUEST',
          `unsupported load parameter(s) ${parameters.map((p) => `"${p}"`).join(', ')}: versions load from the model manifest, with no config or file overrides`,
        );
      }
      try {
        const { loaded, serving } = await context.registry.load(name);
        request.log.info({ model: name, loaded, serving }, 'model versions loaded');
        return { model: name, loaded, serving };
      } catch (error) {
        if (error instanceof ServiceError && error.code === 'MODEL_LOAD_FAILED') {
          const serving = context.registry.versions(name);
          throw new ServiceError(
            'MODEL_LOAD_FAILED',
            `load failed, nothing changed (still serving ${serving.length ? `versions ${serving.join(', ')}` : 'no version'}): ${error.message}`,
            undefined,
            { cause: error },
          );
        }
        throw error;
      }
    },
  );

  app.post(
    '/v2/repository/models/:model/unload',
    {
      schema: {
        tags,
        summary: 'Unload every version of a model: requests in flight finish, new ones get 404 MODEL_NOT_FOUND',
        description,
        [OPTIONAL_BODY]: true,
        security,
        params: ModelParams,
        body: RepositoryUnloadRequest,
        response: { 200: RepositoryUnloadResponse, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const name = request.params.model;
      const { unloaded } = await context.registry.unload(name);
      request.log.info({ model: name, unloaded }, 'model unloaded');
      return {};
    },
  );
};
