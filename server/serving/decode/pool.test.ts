/**
 * The decode pool: images decode in worker threads to exactly the input the
 * event loop would compute, refusals keep their code and message, threads
 * start only as work needs them and up to the pool's size, an image whose
 * caller gave up is not decoded, and a closed pool refuses work.
 */
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { ServiceError } from '../../../src/core/api/errors';
import { drawnRgba, encodePngBase64 } from '../../../test/drawn-digits';
import { chunk, iend, ihdr, pngOf, zeroStream } from '../inference/testing/crafted-png';
import { checkPngBase64 } from '../inference/png';
import { imageToInput, type ImageJob } from './decode-image';
import { DecodePool } from './pool';

const PREPROCESSING = 'mnist-28x28-com';
const job = (png: Buffer | string, field = 'instances[0].image'): ImageJob => ({
  png: checkPngBase64(typeof png === 'string' ? png : png.toString('base64'), field),
  ink: 'dark-on-light',
  preprocessing: PREPROCESSING,
});
const drawing = (digit: number) => encodePngBase64(280, 280, drawnRgba(digit));

/** A grey 16-bit gradient: slow enough to decode (tenths of a second) to keep a thread busy. */
function slowPng(side = 2048): Buffer {
  const stride = 1 + side * 2;
  const raw = Buffer.alloc(side * stride);
  for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) raw.writeUInt16BE(Math.round(((x + y) / (2 * side)) * 65535), y * stride + 1 + x * 2);
  return pngOf(ihdr(side, side, { bitDepth: 16, colorType: 0 }), chunk('IDAT', zlib.deflateSync(raw)), iend());
}

const pools: DecodePool[] = [];
const pool = (size: number) => {
  const created = new DecodePool(size);
  pools.push(created);
  return created;
};
afterEach(() => Promise.all(pools.splice(0).map((p) => p.close())));

describe('decode pool', () => {
  it('decodes to exactly the input computed on the event loop', async () => {
    const decoder = pool(1);
    const input = await decoder.decode(job(drawing(3)));
    expect(input).toBeInstanceOf(Float32Array);
    expect(Array.from(input)).toEqual(Array.from(imageToInput(job(drawing(3)))));
  });

  it('refuses with the same code and message as decoding in place', async () => {
    const decoder = pool(1);
    const cases = [
      pngOf(ihdr(1, 1), chunk('IDAT', zeroStream(1_000_000)), iend()),
      Buffer.from(encodePngBase64(8, 8, new Uint8Array(8 * 8 * 4).fill(255)), 'base64'),
    ];
    for (const png of cases) {
      const expected = (() => {
        try {
          imageToInput(job(png));
        } catch (error) {
          return error as ServiceError;
        }
        throw new Error('expected a refusal');
      })();
      const error = await decoder.decode(job(png)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ServiceError);
      expect(error).toMatchObject({ code: 'INVALID_IMAGE', message: expected.message });
    }
  });

  it('starts threads as work needs them, at most its size, and decodes in parallel', async () => {
    const decoder = pool(2);
    expect(decoder.threadsStarted).toBe(0);
    const inputs = await Promise.all([3, 4, 7, 1].map((d) => decoder.decode(job(drawing(d)))));
    expect(inputs.map((input) => input.length)).toEqual([784, 784, 784, 784]);
    expect(decoder.threadsStarted).toBe(2);
  });

  it('answers a caller that gives up at once, and never decodes its waiting image', async () => {
    const decoder = pool(1);
    const busy = decoder.decode(job(slowPng()));
    const controller = new AbortController();
    const waiting = decoder.decode(job(drawing(2)), controller.signal);
    expect(decoder.waiting).toBe(1);
    const reason = new ServiceError('DEADLINE_EXCEEDED', 'too late');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(decoder.waiting).toBe(0);
    expect((await busy).length).toBe(784);
    await expect(decoder.decode(job(drawing(2)), controller.signal)).rejects.toBe(reason);
  });

  it('refuses the images still waiting and every later one once closed', async () => {
    const decoder = pool(1);
    const busy = decoder.decode(job(slowPng())).catch((e: unknown) => e);
    const waiting = decoder.decode(job(drawing(5))).catch((e: unknown) => e);
    await decoder.close();
    expect(await waiting).toMatchObject({ code: 'SHUTTING_DOWN' });
    expect(await busy).toMatchObject({ code: 'SHUTTING_DOWN' });
    await expect(decoder.decode(job(drawing(5)))).rejects.toMatchObject({ code: 'SHUTTING_DOWN' });
  });

  it('needs at least one thread', () => {
    expect(() => new DecodePool(0)).toThrow(/at least one thread/);
  });
});
