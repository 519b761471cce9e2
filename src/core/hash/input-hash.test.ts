/**
 * Input hashes are stable, change with any one value and do not collide over
 * similar inputs; cache keys differ between model versions.
 */
import { describe, expect, it } from 'vitest';
import { cacheKey, inputHash } from './input-hash';

describe('inputHash', () => {
  it('is 16 hex digits and the same for the same values', () => {
    const a = new Float32Array(784).map((_, i) => (i % 7) / 7);
    expect(inputHash(a)).toMatch(/^[0-9a-f]{16}$/);
    expect(inputHash(a.slice())).toBe(inputHash(a));
  });

  it('changes when any one value changes', () => {
    const base = new Float32Array(784);
    const seen = new Set([inputHash(base)]);
    for (let i = 0; i < 784; i++) {
      const changed = base.slice();
      changed[i] = 1 / 255;
      seen.add(inputHash(changed));
    }
    expect(seen.size).toBe(785);
  });

  it('has no collisions over many similar inputs', () => {
    const inputs = Array.from({ length: 20000 }, (_, n) => {
      const input = new Float32Array(784);
      input[n % 784] = Math.floor(n / 784) / 64;
      input[(n * 31) % 784] = (input[(n * 31) % 784] ?? 0) + 0.5;
      return input;
    });
    const hashes = new Set(inputs.map(inputHash));
    const distinct = new Set(inputs.map((input) => Array.from(input).join()));
    expect(distinct.size).toBeGreaterThan(19000);
    expect(hashes.size).toBe(distinct.size);
  });

  it('hashes views by their own bytes and lengths that are not whole words', () => {
    const bytes = new Uint8Array([1, 2, 3, 4, 5, 6, 7]);
    expect(inputHash(bytes.subarray(1))).toBe(inputHash(new Uint8Array([2, 3, 4, 5, 6, 7])));
    expect(inputHash(bytes)).not.toBe(inputHash(bytes.subarray(0, 6)));
  });
});

describe('cacheKey', () => {
  it('differs between model versions for the same input', () => {
    const input = new Float32Array(784).fill(0.25);
    const v1 = cacheKey(input, { name: 'digits-small', version: '1' });
    const v2 = cacheKey(input, { name: 'digits-small', version: '2' });
    expect(v1).toMatch(/^digits-small@1:[0-9a-f]{16}$/);
    expect(v2).not.toBe(v1);
  });
});
