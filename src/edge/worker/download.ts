/** Downloads a file whole, reporting progress as it arrives, so a first visit can show it. */
import { DECODED_LENGTH_HEADER } from '../../core/api/headers';
import type { DownloadKind, DownloadProgress } from '../protocol';

export async function download(url: string, kind: DownloadKind, report: (progress: DownloadProgress) => void): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok || !response.body) throw new Error(`${kind} download failed: ${url} answered ${response.status}`);
  // A compressed response's content-length counts compressed bytes, but the stream yields decoded ones.
  const encoded = (response.headers.get('content-encoding') ?? 'identity') !== 'identity';
  const total = Number((encoded ? response.headers.get(DECODED_LENGTH_HEADER) : response.headers.get('content-length')) ?? 0) || 0;
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    report({ kind, loaded, total });
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  report({ kind, loaded, total: total || loaded });
  return bytes;
}
