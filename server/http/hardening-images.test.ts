/**
 * Image bombs sent to the keyed API: a PNG with a second, huge header, an
 * interlaced 1x1 PNG whose data inflates to 2 GB, and requests whose images
 * together exceed MAX_IMAGE_PIXELS. Each is refused with a 400 INVALID_IMAGE
 * quickly and without the memory the bomb asks for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from '../app';
import { readyServer } from '../../test/server/test-server';
import { drawnRgba, encodePngBase64 } from '../../test/drawn-digits';
import { chunk, iend, ihdr, pngOf, rawSize, zeroStream } from '../serving/inference/testing/crafted-png';

const BUDGET = 100_000;
let server: Server;
let budgeted: Server;
beforeAll(async () => {
  server = await readyServer();
  budgeted = await readyServer({ MAX_IMAGE_PIXELS: String(BUDGET) });
});
afterAll(() => Promise.all([server.app.close(), budgeted.app.close()]));

/** Posts the images as instances; how long the answer took and how much the process grew meanwhile. */
async function send(target: Server, images: readonly Buffer[]) {
  const payload = { instances: images.map((png, i) => ({ key: `k${i}`, image: png.toString('base64') })) };
  const rss = process.memoryUsage().rss;
  const start = performance.now();
  const response = await target.app.inject({ method: 'POST', url: '/v1/models/digits-full:predict', payload });
  return { response, ms: performance.now() - start, grewMb: (process.memoryUsage().rss - rss) / 2 ** 20 };
}

function expectRefusedFast(answer: Awaited<ReturnType<typeof send>>, message: RegExp): void {
  expect(answer.response.statusCode).toBe(400);
  expect(answer.response.json()).toEqual({ code: 'INVALID_IMAGE', error: expect.stringMatching(message) });
  // Functional bounds, not benchmarks: the bomb must not be decoded or inflated.
  expect(answer.ms).toBeLessThan(1000);
  expect(answer.grewMb).toBeLessThan(200);
}

describe('image bombs are refused before they are decoded', () => {
  it('a second IHDR that declares 16000x16000 after a 1x1 one', async () => {
    const big = ihdr(16_000, 16_000);
    const bomb = pngOf(ihdr(1, 1), big, chunk('IDAT', zeroStream(rawSize(16_000, 16_000, 32))), iend());
    expectRefusedFast(await send(server, [bomb]), /^instances\[0\]\.image has a second IHDR chunk/);
  });

  it('an interlaced 1x1 PNG whose data inflates to 2 GB', async () => {
    const bomb = pngOf(ihdr(1, 1, { interlace: 1 }), chunk('IDAT', zeroStream(2 ** 31)), iend());
    expect(bomb.byteLength).toBeLessThan(3 * 2 ** 20);
    expectRefusedFast(await send(server, [bomb]), /^instances\[0\]\.image holds more image data than its 1x1 header implies \(5 bytes\)/);
  });

  it('a plain 1x1 PNG whose data inflates to 200 MB', async () => {
    const bomb = pngOf(ihdr(1, 1), chunk('IDAT', zeroStream(200_000_000)), iend());
    expectRefusedFast(await send(server, [bomb]), /^instances\[0\]\.image holds more image data than its 1x1 header implies \(5 bytes\)/);
  });
});

describe('the images of one request share a pixel budget (MAX_IMAGE_PIXELS)', () => {
  const drawing = () => Buffer.from(encodePngBase64(280, 280, drawnRgba(3)), 'base64');

  it('decodes images within the budget', async () => {
    const { response } = await send(budgeted, [drawing()]);
    expect(response.statusCode).toBe(200);
    expect(response.json().predictions[0]).toMatchObject({ key: 'k0', label: '3' });
  });

  it('refuses the image that takes a request over the budget, by the header alone', async () => {
    // 4096x4096 by its header, with data that would not even decode: the budget refuses it first.
    const huge = pngOf(ihdr(4096, 4096), chunk('IDAT', Buffer.from([1, 2, 3])), iend());
    expectRefusedFast(
      await send(budgeted, [drawing(), huge]),
      /^instances\[1\]\.image brings the request's images to 16855616 pixels, over the budget of 100000 pixels per request \(MAX_IMAGE_PIXELS\)$/,
    );
  });

  it('counts every image: two drawings that fit alone are refused together', async () => {
    expectRefusedFast(
      await send(budgeted, [drawing(), drawing()]),
      /^instances\[1\]\.image brings the request's images to 156800 pixels, over the budget of 100000/,
    );
  });
});
