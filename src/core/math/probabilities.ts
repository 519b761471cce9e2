/** Numerically stable softmax over one row of logits. */
export function softmax(logits: ArrayLike<number>): Float32Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i] ?? -Infinity);
  const out = new Float32Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    const e = Math.exp((logits[i] ?? 0) - max);
    out[i] = e;
    sum += e;
  }
  for (let i = 0; i < out.length; i++) out[i] = (out[i] ?? 0) / sum;
  return out;
}

/** Index of the largest value; the first one on ties. */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] ?? -Infinity) > (values[best] ?? -Infinity)) best = i;
  return best;
}

/** Splits a flat [batch, classes] buffer into per-row probability vectors. */
export function softmaxRows(flat: ArrayLike<number>, classes: number): Float32Array[] {
  const rows: Float32Array[] = [];
  for (let start = 0; start < flat.length; start += classes) {
    rows.push(softmax(Array.prototype.slice.call(flat, start, start + classes) as number[]));
  }
  return rows;
}
