/**
 * Area-averaging resampler: every output pixel is the mean of the source area
 * it covers. It shrinks a large canvas without aliasing thin strokes and
 * enlarges a tiny drawing without inventing detail.
 */

interface Tap {
  readonly index: number;
  readonly weight: number;
}

/** For each of `outSize` cells over [start, start + length) of the source, the overlapped source cells. */
function coverage(start: number, length: number, outSize: number): Tap[][] {
  const step = length / outSize;
  const taps: Tap[][] = [];
  for (let o = 0; o < outSize; o++) {
    const from = start + o * step;
    const to = from + step;
    const cell: Tap[] = [];
    for (let s = Math.floor(from); s < Math.ceil(to); s++) {
      const overlap = Math.min(to, s + 1) - Math.max(from, s);
      if (overlap > 1e-9) cell.push({ index: s, weight: overlap / step });
    }
    taps.push(cell);
  }
  return taps;
}

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Resamples `rect` of a row-major `source` (of width `sourceWidth`) to outWidth x outHeight. */
export function resampleArea(source: Float32Array, sourceWidth: number, rect: Rect, outWidth: number, outHeight: number): Float32Array {
  const columns = coverage(rect.x, rect.width, outWidth);
  const rows = coverage(rect.y, rect.height, outHeight);
  // Horizontal pass over the rows of the rect, then vertical pass.
  const horizontal = new Float32Array(rect.height * outWidth);
  for (let y = 0; y < rect.height; y++) {
    const rowStart = (rect.y + y) * sourceWidth;
    for (let x = 0; x < outWidth; x++) {
      let sum = 0;
      for (const tap of columns[x] ?? []) sum += (source[rowStart + tap.index] ?? 0) * tap.weight;
      horizontal[y * outWidth + x] = sum;
    }
  }
  const out = new Float32Array(outWidth * outHeight);
  for (let y = 0; y < outHeight; y++) {
    for (const tap of rows[y] ?? []) {
      const from = (tap.index - rect.y) * outWidth;
      for (let x = 0; x < outWidth; x++) {
        out[y * outWidth + x] = (out[y * outWidth + x] ?? 0) + (horizontal[from + x] ?? 0) * tap.weight;
      }
    }
  }
  return out;
}
