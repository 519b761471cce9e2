/**
 * Images decode off the event loop: while twelve legitimate 4096x4096 16-bit
 * PNGs are decoded, liveness answers promptly over a real socket, and every
 * drawing is still predicted.
 */
import { get } from 'node:http';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from '../app';
import { readyServer } from '../../test/server/test-server';
import { chunk, iend, ihdr, pngOf } from '../serving/inference/testing/crafted-png';

const SIDE = 4096;
const IMAGES = 12;

/** A 4096x4096 16-bit grey PNG of a smooth diagonal gradient: about 230 KB, 34 MB of image data once inflated. */
function gradientPng(): Buffer {
  const stride = 1 + SIDE * 2;
  const raw = Buffer.alloc(SIDE * stride);
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) raw.writeUInt16BE(Math.round(((x + y) / (2 * SIDE)) * 65535), y * stride + 1 + x * 2);
  }
  return pngOf(ihdr(SIDE, SIDE, { bitDepth: 16, colorType: 0 }), chunk('IDAT', zlib.deflateSync(raw)), iend());
}

/** One liveness probe on a connection of its own; its status and how long the answer took. */
function probe(url: string): Promise<{ status: number; ms: number }> {
  const sent = performance.now();
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0, ms: performance.now() - sent }));
    }).on('error', reject);
  });
}

const quantile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

let server: Server;
let base: string;
let image: string;
beforeAll(async () => {
  image = gradientPng().toString('base64');
  // Twelve requests of one image each (within the default MAX_IMAGE_PIXELS and body limit), with time to finish on one decoding thread.
  server = await readyServer({ REQUEST_TIMEOUT_MS: '120000', HTTP_REQUEST_TIMEOUT_MS: '120000' });
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(server.app.server.address() as { port: number }).port}`;
}, 60_000);
afterAll(() => server.app.close());

describe('decoding does not block the event loop', () => {
  it('answers liveness promptly while twelve 4096x4096 16-bit PNGs decode', async () => {
    const started = performance.now();
    let done = false;
    const requests = Promise.all(
      Array.from({ length: IMAGES }, (_, i) =>
        fetch(`${base}/v1/models/digits-full:predict`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ instances: [{ key: `k${i}`, image }] }),
        }).then(async (response) => ({ status: response.status, body: await response.text() })),
      ),
    ).finally(() => {
      done = true;
    });
    const latencies: number[] = [];
    while (!done) {
      const live = await probe(`${base}/v2/health/live`);
      expect(live.status).toBe(200);
      latencies.push(live.ms);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const answers = await requests;
    const totalMs = performance.now() - started;
    for (const answer of answers) expect(answer.status, answer.body).toBe(200);
    const sorted = [...latencies].sort((a, b) => a - b);
    const figures = { probes: sorted.length, p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), max: sorted.at(-1), totalMs };
    console.info(`liveness while decoding ${IMAGES} images: ${JSON.stringify(figures)}`);
    // Decoding on the event loop, one probe waited for all twelve images (over 30 s); off it, p95 is a few ms here.
    expect(sorted.length).toBeGreaterThan(20);
    expect(figures.p95).toBeLessThan(50);
  }, 180_000);
});
