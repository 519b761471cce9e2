/**
 * PNG files written chunk by chunk for tests, so that malformed and hostile
 * images (repeated headers, misplaced chunks, inflation bombs) can be built in
 * memory without an encoder that would refuse them.
 */
import zlib from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** One chunk: length, type, data and the CRC over type and data. */
export function chunk(type: string, data: Uint8Array = new Uint8Array(0)): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(zlib.crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

export interface HeaderOptions {
  readonly bitDepth?: number;
  /** 0 grey, 2 RGB, 3 palette, 4 grey and alpha, 6 RGBA. */
  readonly colorType?: number;
  readonly interlace?: number;
  readonly compression?: number;
  readonly filter?: number;
}

export function ihdr(width: number, height: number, options: HeaderOptions = {}): Buffer {
  const data = Buffer.alloc(13);
  data.writeUInt32BE(width, 0);
  data.writeUInt32BE(height, 4);
  data.set([options.bitDepth ?? 8, options.colorType ?? 6, options.compression ?? 0, options.filter ?? 0, options.interlace ?? 0], 8);
  return chunk('IHDR', data);
}

export const iend = (): Buffer => chunk('IEND');

/** The signature followed by the chunks as given. */
export const pngOf = (...chunks: Buffer[]): Buffer => Buffer.concat([SIGNATURE, ...chunks]);

/** The bytes a scanline-per-row image holds once inflated: a filter byte and the packed pixels per row. */
export const rawSize = (width: number, height: number, bitsPerPixel: number): number => height * (1 + Math.ceil((width * bitsPerPixel) / 8));

/**
 * A zlib stream that inflates to `bytes` zero bytes, built without holding
 * the zeros: one deflated 16 MiB piece ending on a byte boundary (a sync
 * flush) is repeated, since a piece of zeros means the same wherever it
 * stands, then an empty final block and the Adler-32 of the zeros (2 GB
 * deflate to about 2 MB).
 */
export function zeroStream(bytes: number): Buffer {
  const PIECE = 1 << 24;
  const piece = (size: number) => zlib.deflateRawSync(Buffer.alloc(size), { level: 9, finishFlush: zlib.constants.Z_SYNC_FLUSH });
  const whole = piece(PIECE);
  const parts: Buffer[] = [Buffer.from([0x78, 0xda])];
  for (let n = Math.floor(bytes / PIECE); n > 0; n--) parts.push(whole);
  if (bytes % PIECE > 0) parts.push(piece(bytes % PIECE));
  // Adler-32 of n zeros: the sum of ones stays 1, the sum of sums is n.
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE((((bytes % 65521) << 16) | 1) >>> 0);
  parts.push(Buffer.from([0x03, 0x00]), adler);
  return Buffer.concat(parts);
}
