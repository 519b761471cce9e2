/**
 * The one mapping between SQL and JavaScript values, shared by both backends
 * so that the same column comes back as the same value from PGlite and from
 * PostgreSQL, and the same parameter means the same SQL value to both.
 */
import pg from 'pg';

type Parse = (text: string) => unknown;

/** Type OIDs of the columns whose JavaScript value we choose (stable across PostgreSQL versions). */
const OID = {
  BYTEA: 17,
  INT8: 20,
  NUMERIC: 1700,
  TIMESTAMPTZ: 1184,
  BYTEA_ARRAY: 1001,
  INT8_ARRAY: 1016,
} as const;

/** Applies `f` to every non-null element of a (possibly nested) array as pg's array parser returns it. */
function mapElements(value: unknown, f: (element: never) => unknown): unknown {
  if (Array.isArray(value)) return value.map((v: unknown) => mapElements(v, f));
  return value === null ? null : f(value as never);
}

const pgDefault = (oid: number): Parse => pg.types.getTypeParser(oid, 'text') as Parse;

// A plain Uint8Array (copied out of pg's Buffer, which may be a slice of Node's shared pool) like PGlite's.
const toBytes = (buffer: Uint8Array) => new Uint8Array(buffer);

/**
 * Parsers for a pg Pool (never the global pg.types, which other pools in the
 * process may rely on): counts and numerics as numbers, bytea as Uint8Array.
 */
const PG_PARSERS = new Map<number, Parse>([
  [OID.INT8, Number],
  [OID.NUMERIC, Number],
  [OID.INT8_ARRAY, (text) => mapElements(pgDefault(OID.INT8_ARRAY)(text), Number)],
  [OID.BYTEA, (text) => toBytes(pgDefault(OID.BYTEA)(text) as Uint8Array)],
  [OID.BYTEA_ARRAY, (text) => mapElements(pgDefault(OID.BYTEA_ARRAY)(text), toBytes)],
]);

/** The `types` option of a pg Pool: our parsers first, pg's defaults for every other type. */
export const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): Parse {
    return (format !== 'binary' && PG_PARSERS.get(oid)) || (pg.types.getTypeParser(oid, format ?? 'text') as Parse);
  },
} as pg.CustomTypesConfig;

/**
 * The `parsers` option of PGlite, which applies a type's parser to the
 * elements of its arrays too. int8 would otherwise be a BigInt above 2^53;
 * timestamptz uses pg's own parser so both truncate microseconds alike.
 */
export const pgliteParsers: Record<number, Parse> = {
  [OID.INT8]: Number,
  [OID.NUMERIC]: Number,
  [OID.TIMESTAMPTZ]: pgDefault(OID.TIMESTAMPTZ),
};

/** undefined is NULL everywhere, also inside arrays (pg does so, PGlite's array serializer would not know it). */
function arrayParam(values: readonly unknown[]): unknown[] {
  return values.map((v) => (v === undefined ? null : Array.isArray(v) ? arrayParam(v) : v));
}

/**
 * One parameter as both drivers should see it. A plain object is a jsonb
 * value, sent as its JSON text (PGlite would stringify it, pg would too, but
 * only this way do both agree on everything). An array is an SQL array: a
 * JSON array for a jsonb parameter must be passed as JSON.stringify(array).
 */
export function toParam(value: unknown): unknown {
  if (value === undefined) return null;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return arrayParam(value);
  if (value instanceof Date || ArrayBuffer.isView(value)) return value;
  return JSON.stringify(value);
}

export const toParams = (params: readonly unknown[] | undefined): unknown[] => (params ?? []).map(toParam);
