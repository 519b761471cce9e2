/**
 * Quoting received values in error messages: short values whole as JSON,
 * long, deep or huge ones cut to a short excerpt with their type and size,
 * at a cost that does not grow with the value.
 */
import { describe, expect, it } from 'vitest';
import { QUOTE_LENGTH, quoteNames, quoteValue } from './json';

/** An array nested `depth` deep, built without recursion. */
function nested(depth: number, inner: unknown = []): unknown {
  let value = inner;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

describe('quoteValue', () => {
  it.each<[unknown, string]>([
    ['abc', '"abc"'],
    ['say "hi"', '"say \\"hi\\""'],
    [1.5, '1.5'],
    [-0.25, '-0.25'],
    [true, 'true'],
    [null, 'null'],
    [undefined, 'undefined'],
    [[], '[]'],
    [{}, '{}'],
    [[1, 'a', null, [2]], '[1,"a",null,[2]]'],
    [{ a: 1, b: [true] }, '{"a":1,"b":[true]}'],
  ])('quotes %j whole as JSON', (value, quoted) => {
    expect(quoteValue(value)).toBe(quoted);
  });

  it('quotes a value of exactly the limit whole', () => {
    const value = 'x'.repeat(QUOTE_LENGTH - 2);
    expect(quoteValue(value)).toBe(JSON.stringify(value));
  });

  it.each<[string, unknown, string]>([
    ['a 7 MB string', 'x'.repeat(7 * 2 ** 20), `"${'x'.repeat(QUOTE_LENGTH - 1)}… (string of 7340032 characters)`],
    ['a 1M-element array', new Array(1_000_000).fill(0), `[${'0,'.repeat(QUOTE_LENGTH / 2 - 1)}0… (array of 1000000 elements)`],
    ['a 100000-deep array', nested(100_000), `${'['.repeat(QUOTE_LENGTH)}… (array of 1 element)`],
    ['a long key', { ['k'.repeat(100)]: 1 }, `{"${'k'.repeat(QUOTE_LENGTH - 2)}… (object with 1 key)`],
  ])('cuts %s to the limit, with its type and size', (_what, value, quoted) => {
    expect(quoteValue(value)).toBe(quoted);
  });

  it('cuts a deeply nested object without walking it', () => {
    let value: unknown = 1;
    for (let i = 0; i < 100_000; i++) value = { a: value };
    expect(quoteValue(value)).toBe(`${'{"a":'.repeat(QUOTE_LENGTH / 5)}… (object with 1 key)`);
  });

  it('takes a shorter limit', () => {
    expect(quoteValue('abcdefghij', 5)).toBe('"abcd… (string of 10 characters)');
  });
});

describe('quoteNames', () => {
  it('lists a few names, quoted, then how many more', () => {
    expect(quoteNames(['a', 'b'])).toBe('"a", "b"');
    expect(quoteNames(['a', 'b', 'c', 'd', 'e', 'f', 'g'])).toBe('"a", "b", "c", "d", "e" and 2 more');
    expect(quoteNames(['n'.repeat(1000)])).toBe(`"${'n'.repeat(29)}… (string of 1000 characters)`);
  });
});
