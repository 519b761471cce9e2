/** The admin token check, shared by every admin route (repository, monitoring). */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ServiceError } from '../../src/core/api/errors';

export function authorize(request: FastifyRequest, token: string | undefined): void {
  if (!token) throw new ServiceError('ADMIN_DISABLED', 'the admin API is off; set ADMIN_TOKEN to turn it on');
  const header = request.headers.authorization ?? '';
  const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
  const expected = Buffer.from(token);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new ServiceError('UNAUTHORIZED', 'missing or wrong admin token: send "Authorization: Bearer <ADMIN_TOKEN>"');
  }
}
