/**
 * Which version of an A/B deployment a key meets: decided by a salted hash of
 * the key, so a key always meets the same version (on every request, replica
 * and restart), yet the assignment is independent of the prediction log's
 * sampling (`keyShare`, unsalted). Were both the same hash, the keys the log
 * samples at rate r would be exactly the keys below r, so with a challenger
 * share s ≤ r the log would see the challenger's keys only, and the
 * champion's not at all.
 */

/** FNV-1a (32 bit) of the salt, a separator and the key, mixed by MurmurHash3's finalizer, as a share in [0, 1). */
export function saltedKeyShare(key: string, salt: string): number {
  let hash = 0x811c9dc5;
  const text = `${salt}\u0000${key}`;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  // FNV's high bits barely depend on the last characters: the finalizer spreads every bit over all of them.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 2 ** 32;
}

/**
 * Whether `key` meets the challenger of an A/B deployment giving it `share`
 * of the keys. The salt names the experiment (model and challenger), so a new
 * challenger gets a fresh draw of keys, while raising the share of the same
 * challenger keeps every key it already had.
 */
export function challengerAssigned(key: string, share: number, salt: string): boolean {
  return share >= 1 || (share > 0 && saltedKeyShare(key, salt) < share);
}
