/**
 * /metrics on a port of its own (METRICS_PORT), as Triton serves it on 8002:
 * scrapers reach it on an internal network while the API port faces clients,
 * and a flood on the API port does not stall the scrape.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { ServerContext } from '../context';

export async function listenForMetrics(context: ServerContext, port: number, host: string): Promise<Server> {
  const { metrics, registry } = context;
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'only GET /metrics is served here', code: 'NOT_FOUND' }));
      return;
    }
    metrics.render(registry.all()).then(
      (text) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      () => response.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'internal server error', code: 'INTERNAL' })),
    );
  });
  server.listen(port, host);
  await once(server, 'listening');
  return server;
}
