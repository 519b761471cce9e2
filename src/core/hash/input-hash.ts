/**
 * A 64-bit fingerprint of a model input, as 16 hex digits: two 32-bit lanes
 * mixed independently over the input's bytes (a cyrb-style hash). Not
 * cryptographic; it names cache entries, where 2^-64 collisions are fine,
 * and runs synchronously in well under a millisecond for a 28x28 input.
 */
export function inputHash(input: Float32Array | Uint8Array): string {
  // A DataView reads words at any byte offset, so unaligned views hash too.
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const words = Math.floor(input.byteLength / 4);
  let h1 = 0xdeadbeef ^ input.byteLength;
  let h2 = 0x41c6ce57 ^ input.byteLength;
  for (let i = 0; i < words; i++) {
    const w = view.getUint32(i * 4, true);
    h1 = Math.imul(h1 ^ w, 2654435761);
    h2 = Math.imul(h2 ^ w, 1597334677);
    h1 = (h1 << 13) | (h1 >>> 19);
    h2 = (h2 << 17) | (h2 >>> 15);
  }
  // The bytes that do not fill a whole word.
  for (let i = words * 4; i < input.byteLength; i++) {
    const b = view.getUint8(i);
    h1 = Math.imul(h1 ^ b, 2654435761);
    h2 = Math.imul(h2 ^ b, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}

/** The cache key of an answer: the input's fingerprint and the model version that saw it. */
export function cacheKey(input: Float32Array, model: { readonly name: string; readonly version: string }): string {
  return `${model.name}@${model.version}:${inputHash(input)}`;
}
