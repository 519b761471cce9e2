/** Every response carries the cross-origin isolation headers; WebAssembly goes out as application/wasm. */
import type { FastifyInstance } from 'fastify';
import { ISOLATION_HEADERS } from '../../src/core/api/headers';

export function registerIsolationHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    for (const [name, value] of Object.entries(ISOLATION_HEADERS)) reply.header(name, value);
    // Browsers compile WebAssembly streaming only from this exact type.
    if (reply.request.url.split('?')[0]?.endsWith('.wasm')) reply.header('content-type', 'application/wasm');
    return payload;
  });
}
