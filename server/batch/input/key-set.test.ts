/**
 * The plan's fingerprint set: distinct keys are never taken for seen ones
 * across many growths of the table, every repeated key is caught and its
 * fingerprint marked suspect, and the two hashes differ, so a key's
 * fingerprint is not one hash twice.
 */
import { describe, expect, it } from 'vitest';
import { FingerprintSet, fingerprint, isSuspect } from './key-set';

describe('the fingerprint set', () => {
  it('takes 100,000 distinct keys as new, then each of them again as seen', () => {
    const set = new FingerprintSet();
    const keys = Array.from({ length: 100_000 }, (_, i) => (i % 3 === 0 ? `row-${i}` : i % 3 === 1 ? `é${i}\u2603` : `${i}`));
    expect(keys.filter((key, i) => set.add(key, i + 1))).toEqual([]);
    expect(set.suspects.size).toBe(0);
    expect(keys.every((key, i) => set.add(key, 100_001 + i))).toBe(true);
    expect(set.suspects.size).toBe(100_000);
    expect(keys.every((key) => isSuspect(set.suspects, key))).toBe(true);
    expect(isSuspect(set.suspects, 'never-added')).toBe(false);
  });

  it('marks only the repeated keys suspect', () => {
    const set = new FingerprintSet();
    for (const [line, key] of ['a', 'b', 'a', 'c', 'b', 'a'].entries()) set.add(key, line + 1);
    expect(['a', 'b', 'c'].map((key) => isSuspect(set.suspects, key))).toEqual([true, true, false]);
  });

  it('hashes code units, with two different hashes', () => {
    const [high, low] = fingerprint('row-1');
    expect(high).not.toBe(low);
    expect(fingerprint('row-1')).toEqual([high, low]);
    expect(fingerprint('row-2')).not.toEqual([high, low]);
    expect(fingerprint('')).not.toEqual(fingerprint('\u0000'));
  });
});
