/**
 * A/B assignment by a salted hash of the key: sticky, close to the share over
 * many keys, monotone as a share grows, fresh for a new salt, and independent
 * of the prediction log's sampling by the unsalted hash.
 */
import { describe, expect, it } from 'vitest';
import { challengerAssigned, saltedKeyShare } from './key-assignment';
import { keySampled } from './key-sampling';

const KEYS = Array.from({ length: 50_000 }, (_, i) => `drawing-${i}-${(i * 7919) % 1000}`);
const SALT = 'ab\u0000digits-small\u00002';
const shareOf = (keys: readonly string[], share: number, salt = SALT) => keys.filter((k) => challengerAssigned(k, share, salt)).length / keys.length;

describe('A/B assignment', () => {
  it('gives a key the same version every time', () => {
    for (const key of KEYS.slice(0, 1000)) expect(challengerAssigned(key, 0.3, SALT)).toBe(challengerAssigned(key, 0.3, SALT));
    expect(saltedKeyShare('a1', SALT)).toBe(saltedKeyShare('a1', SALT));
  });

  it.each([0.01, 0.1, 0.3, 0.5, 0.9])('gives the challenger its share %s of 50,000 keys within 4 standard errors', (share) => {
    const tolerance = 4 * Math.sqrt((share * (1 - share)) / KEYS.length);
    expect(Math.abs(shareOf(KEYS, share) - share)).toBeLessThan(tolerance);
  });

  it('gives none at 0 and all at 1', () => {
    expect(shareOf(KEYS, 0)).toBe(0);
    expect(shareOf(KEYS, 1)).toBe(1);
  });

  it('keeps every challenger key when the share grows', () => {
    const small = KEYS.filter((k) => challengerAssigned(k, 0.1, SALT));
    expect(small.every((k) => challengerAssigned(k, 0.4, SALT))).toBe(true);
  });

  it('draws other keys for another salt', () => {
    const a = new Set(KEYS.filter((k) => challengerAssigned(k, 0.2, SALT)));
    const b = KEYS.filter((k) => challengerAssigned(k, 0.2, 'ab\u0000digits-small\u00003'));
    // Independent draws overlap on about 0.2 of b.
    expect(Math.abs(b.filter((k) => a.has(k)).length / b.length - 0.2)).toBeLessThan(0.02);
  });

  it('is independent of the log sampling: among the sampled keys the challenger keeps its share', () => {
    for (const rate of [0.05, 0.1, 0.3]) {
      const sampled = KEYS.filter((k) => keySampled(k, rate));
      // With the unsalted hash, a share at or below the rate would take every sampled key.
      const share = rate;
      const tolerance = 4 * Math.sqrt((share * (1 - share)) / sampled.length);
      expect(Math.abs(shareOf(sampled, share) - share)).toBeLessThan(tolerance);
    }
  });

  it('spreads keys that differ in their last character only', () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `k${String.fromCharCode(0x4e00 + i)}`);
    expect(Math.abs(shareOf(keys, 0.5) - 0.5)).toBeLessThan(4 * Math.sqrt(0.25 / keys.length));
  });
});
