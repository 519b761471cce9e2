/**
 * Both backends give the same JavaScript values for the same columns and
 * take the same parameters: each query runs on PGlite and on PostgreSQL, the
 * two results must be strictly equal to each other and to what is expected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, freshStore } from '../../test/db/backends';
import type { Database } from './database';
import { openDatabase } from './open';

let stores: Database[] = [];

beforeAll(async () => {
  stores = await Promise.all(BACKENDS.map(async (kind) => openDatabase((await freshStore(kind)).settings)));
});
afterAll(() => Promise.all(stores.map((db) => db.close())));

/** Runs `sql` on both backends; returns the rows once both gave strictly equal ones. */
async function onBoth(sql: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]> {
  const [pglite, postgres] = await Promise.all(stores.map((db) => db.query(sql, params)));
  expect(stores.map((db) => db.kind)).toEqual(['pglite', 'postgres']);
  expect(pglite).toStrictEqual(postgres);
  return pglite ?? [];
}

/** A Uint8Array, never a Buffer or a view into something larger: the same class and bytes from both. */
function expectPlainBytes(value: unknown, bytes: number[]): void {
  expect(value).toBeInstanceOf(Uint8Array);
  expect(Object.getPrototypeOf(value)).toBe(Uint8Array.prototype);
  expect(value).toStrictEqual(new Uint8Array(bytes));
  expect((value as Uint8Array).buffer.byteLength).toBe(bytes.length);
}

describe('values on both backends', () => {
  it('reads every column type as the same JavaScript value', async () => {
    const [row] = await onBoth(`SELECT 42::int8 AS int8, 9007199254740991::int8 AS safe, 7::int4 AS int4, 3::int2 AS int2,
        1.5::float8 AS float8, 0.1::real AS real, 12345.678::numeric AS numeric, '-0.5'::numeric AS negative,
        '{1,NULL,5000000000}'::bigint[] AS bigints, '{{1,2},{3,4}}'::bigint[] AS matrix, '{0.1,0.25}'::real[] AS reals,
        '{1e-10,-2.5,NaN,Infinity}'::float8[] AS doubles, '{1.25,NULL}'::numeric[] AS numerics,
        '\\x00ff10'::bytea AS bytes, '2026-01-02 03:04:05.678912+02'::timestamptz AS time,
        '{"a":[1,"x",null],"b":{"c":true}}'::jsonb AS json, '[1,2]'::jsonb AS json_array, '"s"'::jsonb AS json_string,
        true AS yes, false AS no, '{plain,"with,comma","with \\"quote\\"",NULL,ü,""}'::text[] AS texts,
        '{t,NULL,f}'::bool[] AS bools, NULL::int8 AS nothing, 'text' AS text`);
    expect(row).toStrictEqual({
      int8: 42,
      safe: Number.MAX_SAFE_INTEGER,
      int4: 7,
      int2: 3,
      float8: 1.5,
      real: 0.1,
      numeric: 12345.678,
      negative: -0.5,
      bigints: [1, null, 5_000_000_000],
      matrix: [
        [1, 2],
        [3, 4],
      ],
      reals: [0.1, 0.25],
      doubles: [1e-10, -2.5, NaN, Infinity],
      numerics: [1.25, null],
      bytes: new Uint8Array([0, 255, 16]),
      time: new Date('2026-01-02T01:04:05.678Z'),
      json: { a: [1, 'x', null], b: { c: true } },
      json_array: [1, 2],
      json_string: 's',
      yes: true,
      no: false,
      texts: ['plain', 'with,comma', 'with "quote"', null, 'ü', ''],
      bools: [true, null, false],
      nothing: null,
      text: 'text',
    });
    expectPlainBytes(row?.bytes, [0, 255, 16]);
  });

  it('reads aggregates as numbers', async () => {
    const [row] = await onBoth(
      'SELECT count(*) AS count, sum(x) AS sum, avg(x) AS avg, sum(x::real) AS real_sum, max(x) AS max FROM unnest($1::bigint[]) AS x',
      [[1, 2, 3, 4_000_000_000]],
    );
    expect(row).toStrictEqual({ count: 4, sum: 4_000_000_006, avg: 1_000_000_001.5, real_sum: 4e9, max: 4_000_000_000 });
  });

  it('takes the same parameters', async () => {
    const time = new Date('2026-03-04T05:06:07.089Z');
    const params = [
      Number.MAX_SAFE_INTEGER,
      0.1,
      0.1,
      '12.5',
      time,
      new Uint8Array([1, 2, 3]),
      Buffer.from([4, 5]),
      { nested: { list: [1, 'two', null] }, flag: false },
      JSON.stringify([1, { a: 2 }]),
      5,
      true,
      ['a', 'b,c', 'd"e', 'f\\g', null, undefined, 'ü', ''],
      [1, null, 5_000_000_000],
      [0.1, 0.5],
      [1e-10, -2.5],
      [true, null, false],
      [time, null],
      [new Uint8Array([9]), null],
      null,
      undefined,
    ];
    const [row] = await onBoth(
      `SELECT $1::int8 AS int8, $2::float8 AS float8, $3::real AS real, $4::numeric AS numeric, $5::timestamptz AS time,
        $6::bytea AS bytes, $7::bytea AS buffer, $8::jsonb AS json, $9::jsonb AS json_array, $10::jsonb AS json_number,
        $11::bool AS bool, $12::text[] AS texts, $13::bigint[] AS bigints, $14::real[] AS reals, $15::float8[] AS doubles,
        $16::bool[] AS bools, $17::timestamptz[] AS times, $18::bytea[] AS byteas, $19::text AS null, $20::int8 AS undefined`,
      params,
    );
    expect(row).toStrictEqual({
      int8: Number.MAX_SAFE_INTEGER,
      float8: 0.1,
      real: 0.1,
      numeric: 12.5,
      time,
      bytes: new Uint8Array([1, 2, 3]),
      buffer: new Uint8Array([4, 5]),
      json: { nested: { list: [1, 'two', null] }, flag: false },
      json_array: [1, { a: 2 }],
      json_number: 5,
      bool: true,
      texts: ['a', 'b,c', 'd"e', 'f\\g', null, null, 'ü', ''],
      bigints: [1, null, 5_000_000_000],
      reals: [0.1, 0.5],
      doubles: [1e-10, -2.5],
      bools: [true, null, false],
      times: [time, null],
      byteas: [new Uint8Array([9]), null],
      null: null,
      undefined: null,
    });
    expectPlainBytes(row?.buffer, [4, 5]);
  });

  it('round-trips rows of the evaluation tables', async () => {
    const time = new Date('2026-05-06T07:08:09.010Z');
    await onBoth(
      `INSERT INTO predictions (model, version, source, key, signature, time, label, confidence, probabilities, input, request_id, latency_ms, gate_fired)
       VALUES ('digits', '2', 'edge', 'k1', 'serving_default', $1, '7', $2, $3, $4, NULL, $5, $6)`,
      [time, 0.93, [0.01, 0.93, 0.06], new Uint8Array([0, 128, 255]), 12.25, false],
    );
    expect(
      await onBoth('SELECT model, version, source, key, time, label, confidence, probabilities, input, request_id, latency_ms, gate_fired FROM predictions'),
    ).toStrictEqual([
      {
        model: 'digits',
        version: '2',
        source: 'edge',
        key: 'k1',
        time,
        label: '7',
        confidence: 0.93,
        probabilities: [0.01, 0.93, 0.06],
        input: new Uint8Array([0, 128, 255]),
        request_id: null,
        latency_ms: 12.25,
        gate_fired: false,
      },
    ]);
    await onBoth(
      `INSERT INTO window_profiles (model, version, source, bucket, predictions, confidence_sum, label_counts, confusion)
       VALUES ('digits', '2', 'edge', $1, $2, $3, $4, $5)
       ON CONFLICT (model, version, source, bucket) DO UPDATE SET predictions = window_profiles.predictions + excluded.predictions,
         label_counts = counts_add(window_profiles.label_counts, excluded.label_counts)`,
      [time, 3, 2.5, [1, 0, 2], [1, 0, 0, 2]],
    );
    expect(await onBoth('SELECT bucket, predictions, labelled, confidence_sum, label_counts, confusion, feature_hist FROM window_profiles')).toStrictEqual([
      { bucket: time, predictions: 3, labelled: 0, confidence_sum: 2.5, label_counts: [1, 0, 2], confusion: [1, 0, 0, 2], feature_hist: [] },
    ]);
    const evidence = { window: { predictions: 3 }, psi: 0.31, labels: ['0', '1'] };
    const [alert] = await onBoth(
      `INSERT INTO alerts (rule, model, version, window_start, window_end, value, threshold, evidence, action)
       VALUES ('psi', 'digits', '2', $1, $1, 0.31, 0.2, $2, 'rollback') RETURNING id, evidence`,
      [time, evidence],
    );
    expect(alert).toStrictEqual({ id: 1, evidence });
  });

  it('reports SQL errors with the same SQLSTATE', async () => {
    for (const db of stores) {
      await expect(db.query("INSERT INTO labels (key, label, time) VALUES ('dup', '1', now()), ('dup', '2', now())")).rejects.toMatchObject({ code: '23505' });
      await expect(
        db.query(
          "INSERT INTO predictions (model, version, source, key, signature, time, label, confidence, probabilities) VALUES ('m', '1', 'nowhere', 'k', 's', now(), 'l', 1, '{}')",
        ),
      ).rejects.toMatchObject({ code: '23514' });
      await expect(db.query('SELECT nope FROM labels')).rejects.toMatchObject({ code: '42703' });
    }
  });

  it('works in UTC on both', async () => {
    const [row] = await onBoth(
      "SELECT current_setting('TimeZone') AS zone, '2026-01-01 23:30:00+00'::timestamptz::text AS text, date_trunc('day', '2026-01-01 23:30:00+00'::timestamptz) AS day",
    );
    expect(row).toStrictEqual({ zone: 'UTC', text: '2026-01-01 23:30:00+00', day: new Date('2026-01-01T00:00:00Z') });
  });
});
