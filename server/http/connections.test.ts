/**
 * Connections end: sockets that send nothing, or trickle a request slower than
 * HTTP_REQUEST_TIMEOUT_MS allows, are closed in time while the server keeps
 * answering; SIGTERM exits within SHUTDOWN_TIMEOUT_MS even with such sockets
 * open; /metrics can be served on a port of its own.
 */
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { readyServer } from '../../test/server/test-server';
import { freePort, spawnServer } from '../../test/server/spawn-server';
import { drawnPixels } from '../../test/drawn-digits';

/** Opens a socket and resolves once connected; `closed` resolves with how long it lived. */
async function openSocket(port: number): Promise<{ socket: Socket; closed: Promise<number> }> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  // Read whatever the server sends, so its close is seen at once.
  socket.resume();
  // Resets by the server are expected here; only the close matters.
  const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(performance.now())));
  await once(socket, 'connect');
  const connectedAt = performance.now();
  return { socket, closed: closed.then((at) => at - connectedAt) };
}

describe('slow and silent connections', () => {
  it('closes 1,000 silent or trickling sockets within the request timeout, and keeps serving', async () => {
    const timeoutMs = 1000;
    const { app } = await readyServer({ HTTP_REQUEST_TIMEOUT_MS: String(timeoutMs) });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    const sockets = await Promise.all(Array.from({ length: 1000 }, () => openSocket(port)));
    // Half say nothing; the other half start a request and then send one byte every 200 ms.
    const trickle = setInterval(() => {
      sockets.forEach(({ socket }, i) => {
        if (i % 2 === 1 && socket.writable) socket.write(socket.bytesWritten === 0 ? 'POST /v2/models/digits-full/infer HTTP/1.1\r\n' : 'x', () => undefined);
      });
    }, 200);
    const live = await fetch(`http://127.0.0.1:${port}/v2/health/live`);
    expect(live.status).toBe(200);
    const lifetimes = await Promise.all(sockets.map((s) => s.closed));
    clearInterval(trickle);
    // The request timeout, plus Node's check period (a quarter of it) and scheduling slack on a busy machine.
    expect(Math.max(...lifetimes)).toBeLessThan(timeoutMs * 2);
    expect(Math.min(...lifetimes)).toBeGreaterThanOrEqual(timeoutMs * 0.9);
    expect((await fetch(`http://127.0.0.1:${port}/v2/health/live`)).status).toBe(200);
    await app.close();
  });

  it('answers a request that took too long to arrive 408 REQUEST_TIMEOUT before closing', async () => {
    const { app } = await readyServer({ HTTP_REQUEST_TIMEOUT_MS: '300' });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    const { socket, closed } = await openSocket(port);
    let answer = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
    socket.write('GET /v2/health/live HTTP/1.1\r\nHost: x\r\n');
    await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual({ error: 'the request headers did not arrive in time', code: 'REQUEST_TIMEOUT' });
    await app.close();
  });
});

describe('shutdown', () => {
  it('exits within SHUTDOWN_TIMEOUT_MS on SIGTERM although silent sockets stay open', async () => {
    const { base, child } = await spawnServer({ SHUTDOWN_TIMEOUT_MS: '1000', HTTP_REQUEST_TIMEOUT_MS: '60000' });
    const port = Number(new URL(base).port);
    const sockets = await Promise.all(Array.from({ length: 20 }, () => openSocket(port)));
    // One request in flight that never finishes sending its body.
    sockets[0]?.socket.write('POST /v1/models/digits-full:predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{');
    // Connections are accepted in order: once a later one is served, the server holds all of these.
    expect((await fetch(`${base}/v2/health/live`)).status).toBe(200);
    const started = performance.now();
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number];
    const tookMs = performance.now() - started;
    expect(code).toBe(0);
    expect(tookMs).toBeGreaterThanOrEqual(900);
    expect(tookMs).toBeLessThan(5000);
    for (const { socket } of sockets) socket.destroy();
  });
});

describe('metrics on a port of their own', () => {
  it('serves /metrics on METRICS_PORT, and nothing else there', async () => {
    const metricsPort = await freePort();
    const { base, child } = await spawnServer({ METRICS_PORT: String(metricsPort) });
    const predicted = await fetch(`${base}/v1/models/digits-full:predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ instances: [{ key: 'k', pixels: drawnPixels(4) }] }),
    });
    expect(predicted.status).toBe(200);
    const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await metrics.text()).toMatch(/^inference_instances_total\{model="digits-full",version="1"\} 1$/m);
    const other = await fetch(`http://127.0.0.1:${metricsPort}/v2/health/live`);
    expect([other.status, ((await other.json()) as { code: string }).code]).toEqual([404, 'NOT_FOUND']);
    child.kill('SIGTERM');
    await once(child, 'exit');
  });
});
