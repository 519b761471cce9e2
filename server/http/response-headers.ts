/**
 * Headers every response carries: cross-origin isolation (WASM threads need
 * it), no MIME sniffing, no referrer, no framing, a content security policy
 * for the app that still lets onnxruntime-web compile WebAssembly and start
 * its workers, and the request's id. WebAssembly goes out as application/wasm.
 */
import type { FastifyInstance } from 'fastify';
import { ISOLATION_HEADERS } from '../../src/core/api/headers';
import { REQUEST_ID_HEADER } from './request-id';

/**
 * The app's policy. onnxruntime-web compiles WebAssembly ('wasm-unsafe-eval')
 * and its WASM threads start workers from blob: URLs; React sets styles
 * through the DOM, which the policy does not restrict. The API document's
 * page (/docs) sets a policy of its own.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  ...ISOLATION_HEADERS,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
} as const;

export function registerResponseHeaders(app: FastifyInstance): void {
  // A callback hook: it runs on every answer, and needs no promise.
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.headers(SECURITY_HEADERS);
    reply.header(REQUEST_ID_HEADER, request.id);
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    const path = request.url.split('?')[0] ?? '';
    // Browsers compile WebAssembly streaming only from this exact type.
    if (path.endsWith('.wasm')) reply.header('content-type', 'application/wasm');
    // KServe's client reads an error's text only when the type is exactly application/json: every /v2 answer says so.
    const type = reply.getHeader('content-type');
    if ((path === '/v2' || path.startsWith('/v2/')) && typeof type === 'string' && type.startsWith('application/json;')) {
      reply.header('content-type', 'application/json');
    }
    done(null, payload);
  });
}
