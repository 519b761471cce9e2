/**
 * PNG drawings sent to the keyed API: base64 text checked, the PNG's chunks
 * walked and its header checked before anything is inflated, the image data
 * inflated no further than the header implies, then decoded to RGBA by pngjs.
 * Errors name the field.
 */
import zlib from 'node:zlib';
import { PNG } from 'pngjs';
import { ServiceError } from '../../../src/core/api/errors';

/** Largest side accepted: the size is read from the header before anything is inflated. */
export const MAX_IMAGE_SIDE = 4096;
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const CHUNK_TYPE = /^[A-Za-z]{4}$/;

/** The bit depths PNG defines for each colour type, and the samples per pixel. */
const COLOR_TYPES: Readonly<Record<number, { readonly samples: number; readonly depths: readonly number[] }>> = {
  0: { samples: 1, depths: [1, 2, 4, 8, 16] },
  2: { samples: 3, depths: [8, 16] },
  3: { samples: 1, depths: [1, 2, 4, 8] },
  4: { samples: 2, depths: [8, 16] },
  6: { samples: 4, depths: [8, 16] },
};

/** Adam7 passes: first column, first row, column step, row step. */
export const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

/** The critical chunks pngjs decodes; an image with any other cannot be shown, by PNG's rules. */
const CRITICAL = new Set(['IHDR', 'PLTE', 'IDAT', 'IEND']);
/** The ancillary chunks pngjs reads; it skips the others, so they are left out of what it is given. */
const ANCILLARY_READ = new Set(['tRNS', 'gAMA']);

export interface DecodedImage {
  readonly width: number;
  readonly height: number;
  readonly rgba: Uint8Array;
}

/** A PNG whose chunks and header have been checked, not yet inflated. */
export interface CheckedPng {
  readonly field: string;
  readonly width: number;
  readonly height: number;
  readonly bytes: Buffer;
  /** [start, end) byte ranges of the chunks pngjs reads, whole (length, type, data, CRC), in order. */
  readonly chunks: readonly number[];
  /** [start, end) byte ranges of the IDAT chunks' data. */
  readonly data: readonly number[];
  /** The exact number of bytes the image data inflates to, by the header. */
  readonly inflatedBytes: number;
}

const invalid = (message: string) => new ServiceError('INVALID_IMAGE', message);

/** Bytes of filtered scanlines an image holds: per row a filter byte and the packed pixels. */
const scanlineBytes = (width: number, height: number, bitsPerPixel: number): number =>
  width === 0 || height === 0 ? 0 : height * (1 + Math.ceil((width * bitsPerPixel) / 8));

function inflatedSize(width: number, height: number, bitsPerPixel: number, interlaced: boolean): number {
  if (!interlaced) return scanlineBytes(width, height, bitsPerPixel);
  // Each Adam7 pass is a small image of its own; empty passes have no scanlines at all.
  return ADAM7.reduce(
    (sum, [x0, y0, dx, dy]) => sum + scanlineBytes(Math.max(0, Math.ceil((width - x0) / dx)), Math.max(0, Math.ceil((height - y0) / dy)), bitsPerPixel),
    0,
  );
}

/** Checks IHDR's fields; returns the image's size and how many bytes its data inflates to. */
function readHeader(header: Buffer, field: string): { width: number; height: number; inflatedBytes: number } {
  if (header.length !== 13) throw invalid(`${field} has an IHDR chunk of ${header.length} bytes; PNG's is 13`);
  const width = header.readUInt32BE(0);
  const height = header.readUInt32BE(4);
  if (width === 0 || height === 0 || width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE) {
    throw invalid(`${field} is ${width}x${height}; images must be 1 to ${MAX_IMAGE_SIDE} pixels a side`);
  }
  const [depth = 0, colorType = 0, compression, filter, interlace] = header.subarray(8);
  const type = COLOR_TYPES[colorType];
  if (type === undefined) throw invalid(`${field} has colour type ${colorType}; PNG defines 0, 2, 3, 4 and 6`);
  if (!type.depths.includes(depth)) {
    throw invalid(`${field} has bit depth ${depth} with colour type ${colorType}; that colour type takes ${type.depths.join(', ')}`);
  }
  if (compression !== 0) throw invalid(`${field} has compression method ${compression}; PNG defines only 0`);
  if (filter !== 0) throw invalid(`${field} has filter method ${filter}; PNG defines only 0`);
  if (interlace !== 0 && interlace !== 1) throw invalid(`${field} has interlace method ${interlace}; PNG defines 0 and 1`);
  return { width, height, inflatedBytes: inflatedSize(width, height, type.samples * depth, interlace === 1) };
}

/**
 * Walks the chunks of a base64 PNG (a data: URL prefix is allowed) without
 * inflating anything: one IHDR, first, with a size and format PNG defines;
 * chunks whole; IEND last. `field` names it in errors.
 */
export function checkPngBase64(text: string, field: string): CheckedPng {
  const payload = text.replace(/^data:image\/png;base64,/, '').replace(/\s+/g, '');
  if (payload.length === 0 || payload.length % 4 === 1 || !BASE64.test(payload)) throw invalid(`${field} is not base64 text`);
  const bytes = Buffer.from(payload, 'base64');
  if (bytes.byteLength < 8 + 12 || !bytes.subarray(0, 8).equals(SIGNATURE)) throw invalid(`${field} is not a PNG image`);

  let header: { width: number; height: number; inflatedBytes: number } | undefined;
  const chunks: number[] = [];
  const data: number[] = [];
  let at = 8;
  for (;;) {
    if (at + 12 > bytes.length) throw invalid(`${field} is truncated: it ends before its IEND chunk`);
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    const end = at + 12 + length;
    if (end > bytes.length) throw invalid(`${field} is truncated: a chunk of ${length} bytes runs past its end`);
    if (!CHUNK_TYPE.test(type)) throw invalid(`${field} has a chunk whose type is not four letters`);
    if (header === undefined) {
      if (type !== 'IHDR') throw invalid(`${field} is not a PNG image: its first chunk is ${type}, not IHDR`);
      header = readHeader(bytes.subarray(at + 8, end - 4), field);
    } else if (type === 'IHDR') {
      throw invalid(`${field} has a second IHDR chunk; a PNG has one header`);
    }
    if (type === 'IDAT') data.push(at + 8, end - 4);
    // Bit 5 of the first letter (lower case) marks an ancillary chunk, which a decoder may skip.
    const critical = ((bytes[at + 4] ?? 0) & 0x20) === 0;
    if (critical && !CRITICAL.has(type)) throw invalid(`${field} has a critical chunk ${type} that this server cannot decode`);
    if (critical || ANCILLARY_READ.has(type)) chunks.push(at, end);
    at = end;
    if (type === 'IEND') break;
  }
  if (at !== bytes.length) throw invalid(`${field} has ${bytes.length - at} bytes after its IEND chunk`);
  if (data.length === 0) throw invalid(`${field} has no image data (IDAT chunk)`);
  return { field, ...header, bytes, chunks, data };
}

/** Concatenates the given [start, end) ranges of `bytes` (with `prefix` first) into one buffer. */
function gather(bytes: Buffer, ranges: readonly number[], prefix: Buffer = Buffer.alloc(0)): Buffer {
  let size = prefix.length;
  for (let i = 0; i < ranges.length; i += 2) size += (ranges[i + 1] ?? 0) - (ranges[i] ?? 0);
  const out = Buffer.allocUnsafe(size);
  let at = prefix.copy(out, 0);
  for (let i = 0; i < ranges.length; i += 2) at += bytes.copy(out, at, ranges[i], ranges[i + 1]);
  return out;
}

/**
 * Inflates the image data with a cap of what the header implies, so a
 * stream that inflates to more is refused without allocating it; then pngjs
 * decodes a PNG of only the chunks checked here, byte for byte as sent.
 */
export function decodePng(png: CheckedPng): DecodedImage {
  const { field, width, height, inflatedBytes } = png;
  let size: number;
  try {
    size = zlib.inflateSync(gather(png.bytes, png.data), { maxOutputLength: inflatedBytes + 1 }).length;
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    if (code !== 'ERR_BUFFER_TOO_LARGE') throw invalid(`${field} has image data that does not inflate (${message})`);
    size = Infinity;
  }
  if (size !== inflatedBytes) {
    const comparison = size > inflatedBytes ? 'more' : 'less';
    throw invalid(`${field} holds ${comparison} image data than its ${width}x${height} header implies (${inflatedBytes} bytes)`);
  }
  try {
    const decoded = PNG.sync.read(gather(png.bytes, png.chunks, SIGNATURE));
    return { width: decoded.width, height: decoded.height, rgba: decoded.data };
  } catch (error) {
    throw invalid(`${field} is not a decodable PNG (${(error as Error).message})`);
  }
}

/** Decodes a base64 PNG (a data: URL prefix is allowed); `field` names it in errors. */
export function decodePngBase64(text: string, field: string): DecodedImage {
  return decodePng(checkPngBase64(text, field));
}
