import type { FastifyInstance } from 'fastify';

/**
 * Cross-origin isolation lets onnxruntime-web use WASM threads
 * (SharedArrayBuffer); every response carries the headers so any page or
 * worker it serves is isolated.
 */
export const ISOLATION_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
} as const;

export function registerIsolationHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    for (const [name, value] of Object.entries(ISOLATION_HEADERS)) reply.header(name, value);
    // Browsers compile WebAssembly streaming only from this exact type.
    if (reply.request.url.split('?')[0]?.endsWith('.wasm')) reply.header('content-type', 'application/wasm');
    return payload;
  });
}
