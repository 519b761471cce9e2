/** PNG drawings sent to the keyed API: base64 text checked and decoded to RGBA, with errors that name the field. */
import { PNG } from 'pngjs';
import { ServiceError } from '../../../src/core/api/errors';

/** Largest side accepted: the size is read from the header before anything is inflated. */
export const MAX_IMAGE_SIDE = 4096;
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export interface DecodedImage {
  readonly width: number;
  readonly height: number;
  readonly rgba: Uint8Array;
}

/** Decodes a base64 PNG (a data: URL prefix is allowed); `field` names it in errors. */
export function decodePngBase64(text: string, field: string): DecodedImage {
  const payload = text.replace(/^data:image\/png;base64,/, '').replace(/\s+/g, '');
  if (payload.length === 0 || payload.length % 4 === 1 || !BASE64.test(payload)) {
    throw new ServiceError('INVALID_IMAGE', `${field} is not base64 text`);
  }
  const bytes = Buffer.from(payload, 'base64');
  if (bytes.byteLength < 24 || !bytes.subarray(0, 8).equals(SIGNATURE) || bytes.toString('latin1', 12, 16) !== 'IHDR') {
    throw new ServiceError('INVALID_IMAGE', `${field} is not a PNG image`);
  }
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  if (width === 0 || height === 0 || width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE) {
    throw new ServiceError('INVALID_IMAGE', `${field} is ${width}x${height}; images must be 1 to ${MAX_IMAGE_SIDE} pixels a side`);
  }
  try {
    const png = PNG.sync.read(bytes);
    return { width: png.width, height: png.height, rgba: png.data };
  } catch (error) {
    throw new ServiceError('INVALID_IMAGE', `${field} is not a decodable PNG (${(error as Error).message})`);
  }
}
