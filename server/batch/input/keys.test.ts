/**
 * Row keys as the plan and the chunks read them: the key read from the start
 * of the line is the one JSON.parse finds, whatever the key holds (escapes,
 * quotes, backslashes, characters beyond ASCII, control characters written
 * as escapes), so keys spelt differently but equal are one key.
 */
import { describe, expect, it } from 'vitest';
import { jsonlKey } from './keys';

const PIXELS = '"pixels":[0,0.5,1]';

/** Every way JSON.stringify writes a string, and some only a hand-written file would. */
const KEYS = ['plain', 'row-17', 'a"b', 'back\\slash', 'tab\there', 'new\nline', 'nul\u0000', 'é', '日本', '😀', '\ud800', '/', ' spaced '];

describe('jsonlKey', () => {
  it('reads the key JSON.parse reads, from any JSON spelling of it', () => {
    for (const key of KEYS) {
      const text = `{"key":${JSON.stringify(key)},${PIXELS}}`;
      expect(jsonlKey(text, 'key'), text).toEqual({ present: true, key: (JSON.parse(text) as { key: string }).key });
    }
    const spellings = ['"ab"', '"a\\u0062"', '"\\u0061\\u0062"', '"a\\u0062"'];
    for (const spelling of spellings) expect(jsonlKey(`{"key": ${spelling}, ${PIXELS}}`, 'key')).toEqual({ present: true, key: 'ab' });
    expect(jsonlKey(`{"key":"a\\/b\\"c",${PIXELS}}`, 'key')).toEqual({ present: true, key: 'a/b"c' });
  });

  it('refuses what JSON refuses, and what is not a key', () => {
    // A raw control character inside a string is not JSON: the line has no key.
    expect(jsonlKey(`{"key":"a\tb",${PIXELS}}`, 'key')).toEqual({ present: false });
    expect(jsonlKey(`{"key":"a\\qb",${PIXELS}}`, 'key')).toEqual({ present: false });
    expect(jsonlKey(`{"key":"",${PIXELS}}`, 'key')).toEqual({ present: true, key: undefined });
    expect(jsonlKey(`{"key":"${'x'.repeat(257)}",${PIXELS}}`, 'key')).toEqual({ present: true, key: undefined });
    expect(jsonlKey(`{${PIXELS}}`, 'key')).toEqual({ present: false });
  });

  it('takes a later key field or a whole number only through JSON.parse, as the general path does', () => {
    expect(jsonlKey(`{${PIXELS},"key":"late"}`, 'key')).toEqual({ present: true, key: 'late' });
    expect(jsonlKey(`{"id":42,${PIXELS}}`, 'id')).toEqual({ present: true, key: '42' });
  });
});
