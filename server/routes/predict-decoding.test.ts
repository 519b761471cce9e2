/**
 * The keyed route with images decoded off the event loop: the request
 * deadline covers decoding, a request whose images are slow fails with 503
 * DEADLINE_EXCEEDED in time; an unload while images decode makes the request
 * a clean 404; the first image by position that fails is the one named.
 */
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from '../app';
import { readyServer } from '../../test/server/test-server';
import { drawnPixels, drawnRgba, encodePngBase64 } from '../../test/drawn-digits';
import { chunk, iend, ihdr, pngOf, zeroStream } from '../serving/inference/testing/crafted-png';

const TOKEN = 'test-admin-token-0123456789';
const BIG = 4096 * 4096;

/** A grey 16-bit image of `side` pixels a side, `level` at (x, y); it takes about a second or more to decode at 4096. */
function grey16(side: number, level: (x: number, y: number) => number): string {
  const stride = 1 + side * 2;
  const raw = Buffer.alloc(side * stride);
  for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) raw.writeUInt16BE(level(x, y), y * stride + 1 + x * 2);
  return pngOf(ihdr(side, side, { bitDepth: 16, colorType: 0 }), chunk('IDAT', zlib.deflateSync(raw)), iend()).toString('base64');
}
const gradient = (side: number) => grey16(side, (x, y) => Math.round(((x + y) / (2 * side)) * 65535));

const servers: Server[] = [];
const start = async (env: Record<string, string>) => {
  const server = await readyServer(env);
  servers.push(server);
  return server;
};
afterAll(() => Promise.all(servers.map((s) => s.app.close())));

const predict = (server: Server, instances: unknown[]) => server.app.inject({ method: 'POST', url: '/v1/models/digits-full:predict', payload: { instances } });

let big: string;
beforeAll(() => {
  big = gradient(4096);
});

describe('the request deadline covers decoding', () => {
  it('answers 503 DEADLINE_EXCEEDED at the deadline while images still decode, and keeps serving', async () => {
    const server = await start({ REQUEST_TIMEOUT_MS: '500', MAX_IMAGE_PIXELS: String(2 * BIG), DECODE_THREADS: '1' });
    const started = performance.now();
    const response = await predict(server, [
      { key: 'a', image: big },
      { key: 'b', image: big },
    ]);
    const ms = performance.now() - started;
    expect(response.statusCode, response.body).toBe(503);
    expect(response.json()).toEqual({ code: 'DEADLINE_EXCEEDED', error: "the request's images were not decoded within the request deadline of 500 ms" });
    // Decoding both takes seconds; the answer comes at the deadline, with slack for a busy machine.
    expect(ms).toBeLessThan(1500);
    const next = await predict(server, [{ key: 'p', pixels: drawnPixels(3) }]);
    expect(next.json()).toMatchObject({ predictions: [{ key: 'p', label: '3' }] });
  });

  it('decodes and predicts when there is time', async () => {
    const server = await start({ REQUEST_TIMEOUT_MS: '30000' });
    const response = await predict(server, [
      { key: 'drawn', image: encodePngBase64(280, 280, drawnRgba(7)) },
      { key: 'pixels', pixels: drawnPixels(7) },
    ]);
    expect(response.json()).toMatchObject({
      predictions: [
        { key: 'drawn', label: '7' },
        { key: 'pixels', label: '7' },
      ],
    });
  });
});

describe('unloading while images decode', () => {
  it('fails the request cleanly with 404 MODEL_NOT_FOUND, never a 5xx', async () => {
    const server = await start({ ADMIN_TOKEN: TOKEN, REQUEST_TIMEOUT_MS: '60000' });
    const predicting = predict(server, [{ key: 'a', image: big }]).then((response) => ({ response, at: performance.now() }));
    // The image takes seconds to decode; the unload finds no call in flight and completes meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const unload = await server.app.inject({
      method: 'POST',
      url: '/v2/repository/models/digits-full/unload',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const unloadedAt = performance.now();
    expect(unload.statusCode, unload.body).toBe(200);
    const { response, at } = await predicting;
    expect(at).toBeGreaterThan(unloadedAt);
    expect(response.statusCode, response.body).toBe(404);
    expect(response.json()).toEqual({ code: 'MODEL_NOT_FOUND', error: expect.stringMatching(/^model "digits-full" is unloaded/) });
    // The other model still serves.
    const other = await server.app.inject({
      method: 'POST',
      url: '/v1/models/digits-small:predict',
      payload: { instances: [{ key: 'p', pixels: drawnPixels(4) }] },
    });
    expect(other.statusCode).toBe(200);
  });
});

describe('the images of one request decode in parallel', () => {
  it('names the first image by position that fails, even when a later one fails first', async () => {
    const server = await start({ DECODE_THREADS: '2', MAX_IMAGE_PIXELS: String(2 * BIG) });
    // A blank 2048x2048 16-bit image is slow to decode and then has no ink; the bomb after it fails at once.
    const blank = grey16(2048, () => 65535);
    const bomb = pngOf(ihdr(1, 1), chunk('IDAT', zeroStream(1_000_000)), iend()).toString('base64');
    const response = await predict(server, [
      { key: 'blank', image: blank },
      { key: 'bomb', image: bomb },
    ]);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ code: 'INVALID_IMAGE', error: expect.stringMatching(/^instances\[0\]\.image: the drawing is empty/) });
  });

  it('checks every instance before decoding any image', async () => {
    const server = await start({});
    const started = performance.now();
    const response = await predict(server, [
      { key: 'a', image: big },
      { key: 'a', pixels: drawnPixels(1) },
    ]);
    expect(response.json()).toEqual({ code: 'INVALID_REQUEST', error: 'instances[1].key "a" is repeated; keys must be unique within a request' });
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
