/**
 * The direct reader of pixel rows (from a line's bytes) against the general
 * path it stands in for (the decoded line through JSON.parse, the key as
 * jsonlKey reads it, the values rounded to float32):
 * the same key and the same float32 bits on every row it takes, including
 * numbers at and next to a tie between two float32s; the usual ways rows are
 * written are taken; anything else is left to the general path.
 */
import { describe, expect, it } from 'vitest';
import { jsonlKey } from './keys';
import { pixelsRow } from './pixel-rows';
import { seededRandom } from '../../../training/data/random';

const SIZE = 784;

/** What the general path makes of a valid row: the key and the values as float32. */
function general(text: string, keyField: string | undefined): { key: string | undefined; bits: number[] } {
  const row = JSON.parse(text) as { pixels: number[] };
  const found = keyField === undefined ? undefined : jsonlKey(text, keyField);
  return { key: found?.present ? found.key : undefined, bits: Array.from(new Uint32Array(Float32Array.from(row.pixels).buffer)) };
}

const bitsOf = (input: Float32Array) => Array.from(new Uint32Array(input.buffer, input.byteOffset, input.length));

/** Reads the row both ways (`keyField` null: an input without keys): it must be taken, and give what the general path gives. */
function expectSame(line: string | Buffer, field: string | null = 'key', size = SIZE): void {
  const keyField = field ?? undefined;
  const bytes = typeof line === 'string' ? Buffer.from(line) : line;
  const text = bytes.toString('utf8');
  const direct = pixelsRow(bytes, keyField, size);
  expect(direct, text.slice(0, 120)).toBeDefined();
  const expected = general(text, keyField);
  expect(direct?.key).toBe(expected.key);
  expect(bitsOf(direct?.input as Float32Array)).toEqual(expected.bits);
}

const row = (values: readonly (number | string)[], key = 'k') => `{"key":${JSON.stringify(key)},"pixels":[${values.join(',')}]}`;

/** The doubles next to `x` (x > 0). */
function neighbours(x: number): [number, number] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  view.setBigUint64(0, bits - 1n);
  const below = view.getFloat64(0);
  view.setBigUint64(0, bits + 1n);
  return [below, view.getFloat64(0)];
}

/** The float32 after `f` (0 ≤ f < 1). */
function nextFloat32(f: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, f);
  view.setUint32(0, view.getUint32(0) + 1);
  return view.getFloat32(0);
}

describe('pixel rows read directly', () => {
  it('give the general path’s float32 values for float32s printed as doubles, and for decimals of every length', () => {
    const next = seededRandom(11);
    for (let r = 0; r < 40; r++) {
      const values = Array.from({ length: SIZE }, () => (next() < 0.6 ? 0 : Math.fround(next())));
      expectSame(JSON.stringify({ key: `row-${r}`, pixels: values }));
    }
    const forms: ((x: number) => string)[] = [
      (x) => String(x),
      (x) => x.toPrecision(1 + Math.floor(next() * 21)),
      (x) => x.toExponential(Math.floor(next() * 20)),
      (x) => x.toFixed(Math.floor(next() * 30)),
      (x) => (x * 1e-30).toPrecision(17),
      (x) => (x * 1e-40).toExponential(18),
    ];
    for (let r = 0; r < 60; r++) {
      const form = forms[r % forms.length] as (x: number) => string;
      expectSame(row(Array.from({ length: SIZE }, () => form(next()))));
    }
  });

  it('round numbers at and next to a tie between two float32s as the general path does', () => {
    const next = seededRandom(7);
    const values: string[] = [];
    while (values.length < SIZE) {
      const f = Math.fround(next());
      const tie = (f + nextFloat32(f)) / 2;
      const [below, above] = neighbours(tie);
      values.push(String(tie), below.toPrecision(17), above.toPrecision(17), tie.toPrecision(18), tie.toPrecision(25));
    }
    expectSame(row(values.slice(0, SIZE)));
  });

  it('take edge values: 0 and 1 in every spelling, exponents, long digit strings', () => {
    const values = ['0', '1', '0.0', '1.0', '1e0', '1E-0', '10e-1', '0e5', '0.5E+0', '1.0000000000000000000001', '0.99999999999999999999', '5e-324', '1e-7'];
    expectSame(row([...values, ...Array.from({ length: SIZE - values.length }, () => '0.25')]));
  });

  it('take rows written with JSON whitespace, keys with escapes, other key fields, and rows without keys', () => {
    const values = [0.5, 0.25, 1, 0];
    expectSame(`{"key": "k", "pixels": [0.5, 0.25, 1, 0]}`, 'key', 4);
    expectSame(` \t{ "key" :\t"k" ,\r"pixels" : [ 0.5 ,0.25, 1 , 0 ] } \r`, 'key', 4);
    expectSame(row(values, 'a"b\\c\u00e9\u2028'), 'key', 4);
    expectSame('{"key":"\\u0041\\n\\/","pixels":[0.5,0.25,1,0]}', 'key', 4);
    expectSame('{"id":"x","pixels":[0.5,0.25,1,0]}', 'id', 4);
    expectSame('{"clé":"x","pixels":[0.5,0.25,1,0]}', 'clé', 4);
    // Bytes that are not UTF-8 in a key: the replacement character, as in the decoded line.
    expectSame(Buffer.concat([Buffer.from('{"key":"a'), Buffer.from([0xff, 0xe2, 0x82]), Buffer.from('b","pixels":[0.5,0.25,1,0]}')]), 'key', 4);
    expectSame('{"pixels":[0.5,0.25,1,0]}', null, 4);
    expect(pixelsRow(Buffer.from('{"pixels":[0.5,0.25,1,0]}'), undefined, 4)?.key).toBeUndefined();
  });

  it('leave every other row to the general path', () => {
    const body = '[0.5,0.25,1,0]';
    const cases = [
      `{"pixels":${body},"key":"k"}`,
      `{"key":"k","pixels":${body},"ink":"dark-on-light"}`,
      `{"key":"k","pixels":${body},"pixels":${body}}`,
      `{"key":"k","key":"j","pixels":${body}}`,
      `{"key":"k","pixels":[0.5,0.25,1]}`,
      `{"key":"k","pixels":[0.5,0.25,1,0,0]}`,
      `{"key":"k","pixels":[0.5,0.25,1.5,0]}`,
      `{"key":"k","pixels":[0.5,0.25,1.0000000000000003,0]}`,
      `{"key":"k","pixels":[0.5,0.25,2e-1e1,0]}`,
      `{"key":"k","pixels":[-0.5,0.25,1,0]}`,
      `{"key":"k","pixels":[-0,0.25,1,0]}`,
      `{"key":"k","pixels":[01,0.25,1,0]}`,
      `{"key":"k","pixels":[1.,0.25,1,0]}`,
      `{"key":"k","pixels":[.5,0.25,1,0]}`,
      `{"key":"k","pixels":[+1,0.25,1,0]}`,
      `{"key":"k","pixels":[1e,0.25,1,0]}`,
      `{"key":"k","pixels":[1e999,0.25,1,0]}`,
      `{"key":"k","pixels":[NaN,0.25,1,0]}`,
      `{"key":"k","pixels":[0.5,0.25,1,0,]}`,
      `{"key":"k","pixels":[0.5,0.25,"1",0]}`,
      `{"key":"k","pixels":${body}}x`,
      `{"key":"k","pixels":${body}`,
      `{"key":"k" "pixels":${body}}`,
      `{"key":7,"pixels":${body}}`,
      `{"key":"","pixels":${body}}`,
      `{"key":"${'x'.repeat(257)}","pixels":${body}}`,
      `{"key":"a\\qb","pixels":${body}}`,
      `{"key":"a\tb","pixels":${body}}`,
      `\u00a0{"key":"k","pixels":${body}}`,
      `{"key":"k",\u00a0"pixels":${body}}`,
      `{"k\\u0065y":"k","pixels":${body}}`,
      `{"pixels":${body}}`,
      `{"key":"k","pixels":${body}}`.replace('[', '[\u2028'),
    ];
    for (const text of cases) expect(pixelsRow(Buffer.from(text), 'key', 4), text).toBeUndefined();
    // A key field the reader does not know (pixels), and a keyed row in an input without keys.
    expect(pixelsRow(Buffer.from(`{"pixels":${body}}`), 'pixels', 4)).toBeUndefined();
    expect(pixelsRow(Buffer.from(`{"key":"k","pixels":${body}}`), undefined, 4)).toBeUndefined();
  });
});
