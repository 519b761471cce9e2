/**
 * Sends bytes the server holds in memory (the model pack's manifest and
 * files, which live in the registry, not in the build) Brotli- or
 * gzip-encoded to a client that accepts it, as the build's precompressed
 * twins are sent: with the decoded size in a header, so the edge worker's
 * download can still show a fraction. Encodings are kept by content hash,
 * since the same bytes always encode the same.
 */
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DECODED_LENGTH_HEADER } from '../../src/core/api/headers';

type Encoding = 'br' | 'gzip';

/** Below this, the headers cost more than compression saves (as scripts/precompress.ts). */
const MIN_BYTES = 1024;
/** Larger files are sent as they are: encoding them would hold the thread pool for long. */
const MAX_BYTES = 8 * 1024 * 1024;
/** Encodings kept: a pack has a handful of files per version. */
const KEPT = 32;

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

/** The encoding to send: Brotli before gzip, each only if the client accepts it (q > 0). */
export function acceptedEncoding(header: string | string[] | undefined): Encoding | undefined {
  const accepted = new Set<string>();
  for (const part of (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',')) {
    const [token = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    if (token && (q === undefined || Number(q.slice(2)) > 0)) accepted.add(token);
  }
  return accepted.has('br') ? 'br' : accepted.has('gzip') ? 'gzip' : undefined;
}

export class EncodedBytes {
  private readonly kept = new Map<string, Promise<Buffer>>();

  /** Sends `bytes` (whose sha256 is `hash`), encoded when the client takes it and encoding saves at least 5%. */
  async send(request: FastifyRequest, reply: FastifyReply, bytes: Buffer, hash: string): Promise<FastifyReply> {
    reply.header('vary', 'accept-encoding');
    const encoding = bytes.length >= MIN_BYTES && bytes.length <= MAX_BYTES ? acceptedEncoding(request.headers['accept-encoding']) : undefined;
    if (encoding) {
      const encoded = await this.encoded(bytes, hash, encoding);
      if (encoded.length < bytes.length * 0.95) {
        return reply.header('content-encoding', encoding).header(DECODED_LENGTH_HEADER, String(bytes.length)).send(encoded);
      }
    }
    return reply.send(bytes);
  }

  private encoded(bytes: Buffer, hash: string, encoding: Encoding): Promise<Buffer> {
    const key = `${encoding}:${hash}`;
    let encoded = this.kept.get(key);
    if (!encoded) {
      // Quality 9 as the build's twins: within 15% of the best Brotli at a fraction of its time.
      encoded =
        encoding === 'br'
          ? brotli(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } })
          : gzipped(bytes, { level: 9 });
      // A failed encoding is not kept: the next request tries again.
      encoded.catch(() => this.kept.delete(key));
      this.kept.set(key, encoded);
      // The oldest encoding goes first.
      if (this.kept.size > KEPT) this.kept.delete(this.kept.keys().next().value as string);
    }
    return encoded;
  }
}
