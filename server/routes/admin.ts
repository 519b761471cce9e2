import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServerContext } from '../context';
import { badRequest, forbidden, unauthorized } from '../http/errors';
import { ModelLoadError } from '../repository/loaded-model';

/** Model repository administration (token-protected): load new versions without a restart. */
function authorize(request: FastifyRequest, token: string | undefined): void {
  if (!token) throw forbidden('the admin API is off; set ADMIN_TOKEN to turn it on');
  const header = request.headers.authorization ?? '';
  const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
  const expected = Buffer.from(token);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw unauthorized('missing or wrong admin token: send "Authorization: Bearer <ADMIN_TOKEN>"');
  }
}

export function registerAdminRoutes(app: FastifyInstance, context: ServerContext): void {
  app.post<{ Params: { model: string } }>('/v2/repository/models/:model/load', async (request) => {
    authorize(request, context.config.adminToken);
    const name = request.params.model;
    try {
      const { loaded, serving } = await context.repository.load(name);
      request.log.info({ model: name, loaded, serving }, 'model versions loaded');
      return { model: name, loaded, serving };
    } catch (error) {
      if (error instanceof ModelLoadError) {
        const serving = context.repository.versions(name);
        throw badRequest(`load failed, nothing changed (still serving ${serving.length ? `versions ${serving.join(', ')}` : 'no version'}): ${error.message}`);
      }
      throw error;
    }
  });
}
