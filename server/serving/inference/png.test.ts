/**
 * PNG decoding for the keyed API: every format PNG defines decodes exactly as
 * pngjs decodes it, and malformed or hostile files (repeated or misplaced
 * headers, undefined formats, broken chunks, data that inflates to more or
 * less than the header implies) are refused with INVALID_IMAGE.
 */
import zlib from 'node:zlib';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../../src/core/api/errors';
import { ADAM7, decodePngBase64 } from './png';
import { chunk, iend, ihdr, pngOf, rawSize, zeroStream, type HeaderOptions } from './testing/crafted-png';

/** A small deterministic generator, so failures repeat. */
function bytesFrom(seed: number): (n: number) => Buffer {
  let state = seed >>> 0 || 1;
  return (n) => {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      out[i] = state & 0xff;
    }
    return out;
  };
}

const SAMPLES: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const FORMATS: [colorType: number, depths: number[]][] = [
  [0, [1, 2, 4, 8, 16]],
  [2, [8, 16]],
  [3, [1, 2, 4, 8]],
  [4, [8, 16]],
  [6, [8, 16]],
];
const SIZES: [number, number][] = [
  [1, 1],
  [2, 1],
  [1, 5],
  [5, 1],
  [3, 5],
  [9, 17],
  [33, 8],
];

/** Filtered scanlines of random pixels with a random filter per row, as an encoder might write them. */
function scanlines(width: number, height: number, bitsPerPixel: number, interlaced: boolean, random: (n: number) => Buffer): Buffer {
  const rows: Buffer[] = [];
  const image = (w: number, h: number) => {
    if (w === 0 || h === 0) return;
    for (let y = 0; y < h; y++) rows.push(Buffer.from([(random(1)[0] ?? 0) % 5]), random(Math.ceil((w * bitsPerPixel) / 8)));
  };
  if (!interlaced) image(width, height);
  else for (const [x0, y0, dx, dy] of ADAM7) image(Math.max(0, Math.ceil((width - x0) / dx)), Math.max(0, Math.ceil((height - y0) / dy)));
  return Buffer.concat(rows);
}

/** A valid PNG of random pixels, its data split over several IDAT chunks, with the ancillary chunks pngjs reads and one it skips. */
function randomPng(width: number, height: number, options: Required<Pick<HeaderOptions, 'colorType' | 'bitDepth' | 'interlace'>>, seed: number): Buffer {
  const random = bytesFrom(seed);
  const { colorType, bitDepth, interlace } = options;
  const data = zlib.deflateSync(scanlines(width, height, (SAMPLES[colorType] ?? 1) * bitDepth, interlace === 1, random));
  const extra: Buffer[] = [chunk('gAMA', Buffer.from([0, 0, 0xb1, 0x8f])), chunk('tEXt', Buffer.from('Comment\0drawn in a test'))];
  if (colorType === 3) {
    const entries = 2 ** bitDepth;
    extra.push(chunk('PLTE', random(3 * entries)), chunk('tRNS', random(Math.min(entries, 7))));
  }
  if (colorType === 0) extra.push(chunk('tRNS', Buffer.from([0, 1])));
  if (colorType === 2) extra.push(chunk('tRNS', Buffer.from([0, 1, 0, 2, 0, 3])));
  const third = Math.ceil(data.length / 3);
  const idat = [0, 1, 2].map((i) => chunk('IDAT', data.subarray(i * third, (i + 1) * third)));
  return pngOf(ihdr(width, height, options), ...extra, ...idat, iend());
}

function refusal(png: Buffer): ServiceError {
  try {
    decodePngBase64(png.toString('base64'), 'image');
  } catch (error) {
    if (error instanceof ServiceError) return error;
    throw error;
  }
  throw new Error('the image was decoded');
}

describe('decodePngBase64 decodes what pngjs decodes, identically', () => {
  const cases = FORMATS.flatMap(([colorType, depths]) =>
    depths.flatMap((bitDepth) => [0, 1].flatMap((interlace) => SIZES.map(([w, h]) => ({ colorType, bitDepth, interlace, w, h })))),
  );

  it.each(cases)('colour type $colorType, $bitDepth bits, interlace $interlace, $w x $h', ({ colorType, bitDepth, interlace, w, h }) => {
    const png = randomPng(w, h, { colorType, bitDepth, interlace }, w * 1000 + h * 10 + colorType + bitDepth * 7 + interlace);
    const expected = PNG.sync.read(png);
    const decoded = decodePngBase64(`data:image/png;base64,${png.toString('base64')}`, 'image');
    expect([decoded.width, decoded.height]).toEqual([w, h]);
    expect(Buffer.from(decoded.rgba).equals(expected.data)).toBe(true);
  });

  it('decodes a PNG written by pngjs', () => {
    const source = new PNG({ width: 40, height: 30 });
    source.data = bytesFrom(7)(40 * 30 * 4);
    const png = PNG.sync.write(source);
    expect(Buffer.from(decodePngBase64(png.toString('base64'), 'image').rgba).equals(source.data)).toBe(true);
  });
});

describe('decodePngBase64 refuses malformed and hostile PNGs', () => {
  const data = (w: number, h: number, bits = 32, extra = 0) => chunk('IDAT', zlib.deflateSync(Buffer.alloc(rawSize(w, h, bits) + extra)));
  const good = (options: HeaderOptions = {}) => pngOf(ihdr(4, 4, options), data(4, 4), iend());

  it.each<[string, Buffer, RegExp]>([
    ['a second IHDR', pngOf(ihdr(1, 1), ihdr(4000, 4000), data(1, 1), iend()), /^image has a second IHDR chunk/],
    ['a second IHDR after the data', pngOf(ihdr(1, 1), data(1, 1), ihdr(1, 1), iend()), /^image has a second IHDR chunk/],
    [
      'an IHDR that is not first',
      pngOf(chunk('gAMA', Buffer.alloc(4)), ihdr(1, 1), data(1, 1), iend()),
      /^image is not a PNG image: its first chunk is gAMA, not IHDR/,
    ],
    ['no IHDR', pngOf(data(1, 1), iend()), /its first chunk is IDAT, not IHDR/],
    ['a zero width', pngOf(ihdr(0, 4), data(1, 4), iend()), /^image is 0x4; images must be 1 to 4096 pixels a side/],
    ['a side over 4096', pngOf(ihdr(4097, 1), data(1, 1), iend()), /^image is 4097x1; images must be 1 to 4096/],
    ['a side past 2^31', pngOf(ihdr(0x80000000, 1), data(1, 1), iend()), /^image is 2147483648x1/],
    ['an unknown colour type', good({ colorType: 5 }), /^image has colour type 5; PNG defines 0, 2, 3, 4 and 6/],
    ['an unknown bit depth', good({ colorType: 0, bitDepth: 3 }), /^image has bit depth 3 with colour type 0; that colour type takes 1, 2, 4, 8, 16/],
    ['RGB at 4 bits', good({ colorType: 2, bitDepth: 4 }), /^image has bit depth 4 with colour type 2; that colour type takes 8, 16/],
    ['RGBA at 1 bit', good({ colorType: 6, bitDepth: 1 }), /^image has bit depth 1 with colour type 6/],
    ['a palette at 16 bits', good({ colorType: 3, bitDepth: 16 }), /^image has bit depth 16 with colour type 3; that colour type takes 1, 2, 4, 8/],
    ['an unknown compression method', good({ compression: 1 }), /^image has compression method 1/],
    ['an unknown filter method', good({ filter: 1 }), /^image has filter method 1/],
    ['an unknown interlace method', good({ interlace: 2 }), /^image has interlace method 2/],
    ['a short IHDR', pngOf(chunk('IHDR', ihdr(4, 4).subarray(8, 20)), data(4, 4), iend()), /^image has an IHDR chunk of 12 bytes; PNG's is 13/],
    ['a chunk past the end', good().subarray(0, 50), /^image is truncated: a chunk of \d+ bytes runs past its end/],
    ['no IEND', pngOf(ihdr(4, 4), data(4, 4)), /^image is truncated: it ends before its IEND chunk/],
    ['bytes after IEND', Buffer.concat([good(), Buffer.from('trailing')]), /^image has 8 bytes after its IEND chunk/],
    ['no IDAT', pngOf(ihdr(4, 4), iend()), /^image has no image data \(IDAT chunk\)/],
    [
      'an unknown critical chunk',
      pngOf(ihdr(4, 4), chunk('ABCD', Buffer.alloc(3)), data(4, 4), iend()),
      /^image has a critical chunk ABCD that this server cannot decode/,
    ],
    ['a chunk type that is not letters', pngOf(ihdr(4, 4), chunk('ab1d'), data(4, 4), iend()), /^image has a chunk whose type is not four letters/],
    [
      'one byte more data than the header implies',
      pngOf(ihdr(4, 4), data(4, 4, 32, 1), iend()),
      /^image holds more image data than its 4x4 header implies \(68 bytes\)/,
    ],
    ['less data than the header implies', pngOf(ihdr(4, 4), data(4, 3), iend()), /^image holds less image data than its 4x4 header implies \(68 bytes\)/],
    [
      'data that is not zlib',
      pngOf(ihdr(4, 4), chunk('IDAT', Buffer.from('not zlib at all')), iend()),
      /^image has image data that does not inflate \(incorrect header check\)/,
    ],
    [
      'a zlib stream cut short',
      pngOf(ihdr(4, 4), chunk('IDAT', zlib.deflateSync(Buffer.alloc(68)).subarray(0, 6)), iend()),
      /^image has image data that does not inflate \(unexpected end of file\)/,
    ],
    [
      'a palette image without a palette',
      pngOf(ihdr(4, 4, { colorType: 3 }), data(4, 4, 8), iend()),
      /^image is not a decodable PNG \(Expected palette not found\)/,
    ],
  ])('%s', (_what, png, message) => {
    const error = refusal(png);
    expect(error.code).toBe('INVALID_IMAGE');
    expect(error.message).toMatch(message);
  });

  it('a wrong CRC, as pngjs does', () => {
    const png = good();
    // The last byte of the IDAT chunk's CRC.
    png.writeUInt8(png.readUInt8(png.length - 13) ^ 1, png.length - 13);
    expect(refusal(png).message).toMatch(/^image is not a decodable PNG \(unrecognised content at end of stream\)/);
  });

  it('data that inflates far past the header, stopping at the header size', () => {
    const bomb = pngOf(ihdr(1, 1, { interlace: 1 }), chunk('IDAT', zeroStream(200_000_000)), iend());
    const start = performance.now();
    expect(refusal(bomb).message).toMatch(/^image holds more image data than its 1x1 header implies \(5 bytes\)/);
    // Inflating the 200 MB takes seconds; stopping after a few bytes takes milliseconds.
    expect(performance.now() - start).toBeLessThan(500);
  });
});
