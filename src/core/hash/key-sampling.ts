/**
 * Which keys the prediction log keeps: decided by a hash of the key alone, so
 * a key is always or never logged, by every replica and every source, and
 * its edge and cloud answers and its label stay joinable.
 */

/** FNV-1a (32 bit) of the key's UTF-16 code units, as a share in [0, 1). */
export function keyShare(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) / 2 ** 32;
}

export function keySampled(key: string, rate: number): boolean {
  return rate >= 1 || (rate > 0 && keyShare(key) < rate);
}
