/**
 * The store on both backends: the schema migrated once, counts_add,
 * transactions, bulk inserts through unnest, and errors alike.
 */
import { expect, it } from 'vitest';
import { eachBackend } from '../../test/db/backends';
import { listMigrations } from './migrate';

const TABLES_OF_001 = ['alerts', 'label_history', 'labels', 'predictions', 'window_profiles'];

eachBackend('the store', (suite) => {
  it('applies the migrations and records them', async () => {
    const { db } = suite();
    const tables = await db.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");
    expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining([...TABLES_OF_001, 'schema_migrations']));
    const applied = await db.query('SELECT version, name, applied_at FROM schema_migrations ORDER BY version');
    expect(applied[0]).toEqual({ version: 1, name: 'evaluation', applied_at: expect.any(Date) });
    expect(applied).toEqual(listMigrations().map(({ version, name }) => ({ version, name, applied_at: expect.any(Date) })));
  });

  it('does not apply a migration again when reopened', async () => {
    const before = await suite().db.query('SELECT * FROM schema_migrations ORDER BY version');
    const db = await suite().reopen();
    expect(await db.query('SELECT * FROM schema_migrations ORDER BY version')).toEqual(before);
  });

  it('adds count arrays element-wise with counts_add, a missing side counting as zeros', async () => {
    const [row] = await suite().db.query(
      `SELECT counts_add('{1,2,3}', '{10,20}') AS longer, counts_add(NULL, '{4,5}') AS missing,
              counts_add('{}', '{}') AS empty, counts_add($1::bigint[], $2::bigint[]) AS params`,
      [
        [5_000_000_000, 1],
        [1, 2],
      ],
    );
    expect(row).toEqual({ longer: [11, 22, 3], missing: [4, 5], empty: [], params: [5_000_000_001, 3] });
  });

  it('commits a transaction that resolves, and returns its value', async () => {
    const { db } = suite();
    const value = await db.transaction(async (tx) => {
      await tx.query('INSERT INTO labels (key, label, time) VALUES ($1, $2, now())', ['commit-1', '7']);
      await tx.query('INSERT INTO labels (key, label, time) VALUES ($1, $2, now())', ['commit-2', '8']);
      return 'done';
    });
    expect(value).toBe('done');
    expect(await db.query("SELECT key, label FROM labels WHERE key LIKE 'commit-%' ORDER BY key")).toEqual([
      { key: 'commit-1', label: '7' },
      { key: 'commit-2', label: '8' },
    ]);
  });

  it('rolls back a transaction that throws, and rethrows its error', async () => {
    const { db } = suite();
    const failure = new Error('changed my mind');
    await expect(
      db.transaction(async (tx) => {
        await tx.query("INSERT INTO labels (key, label, time) VALUES ('rollback-1', '1', now())");
        throw failure;
      }),
    ).rejects.toBe(failure);
    // A failing statement rolls back the statements before it as well.
    await expect(
      db.transaction(async (tx) => {
        await tx.query("INSERT INTO labels (key, label, time) VALUES ('rollback-2', '1', now())");
        await tx.query("INSERT INTO labels (key, label, time) VALUES ('rollback-2', '1', now())");
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(await db.query("SELECT key FROM labels WHERE key LIKE 'rollback-%'")).toEqual([]);
    // And the database works on afterwards.
    expect(await db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('keeps concurrent transactions apart', async () => {
    const { db } = suite();
    await db.query("INSERT INTO labels (key, label, time) VALUES ('counter', '0', now())");
    const increments = Array.from({ length: 20 }, (_, i) =>
      db.transaction(async (tx) => {
        const [row] = await tx.query<{ label: string }>("SELECT label FROM labels WHERE key = 'counter' FOR UPDATE");
        await tx.query("UPDATE labels SET label = $1 WHERE key = 'counter'", [String(Number(row?.label) + 1)]);
        if (i % 4 === 0) throw new Error('rolled back');
      }),
    );
    const outcomes = await Promise.allSettled(increments);
    expect(outcomes.filter((o) => o.status === 'rejected')).toHaveLength(5);
    expect(await db.query("SELECT label FROM labels WHERE key = 'counter'")).toEqual([{ label: '15' }]);
  });

  it('refuses the database itself inside its transaction, and a transaction used after it ended', async () => {
    const { db } = suite();
    await expect(db.transaction(() => db.query('SELECT 1'))).rejects.toThrow(/use the transaction passed to the callback/);
    let leaked: { query(sql: string): Promise<unknown> } | undefined;
    await db.transaction(async (tx) => {
      leaked = tx;
    });
    await expect(leaked?.query('SELECT 1')).rejects.toThrow(/already ended/);
  });

  it('runs one statement per query on both backends', async () => {
    await expect(suite().db.query('SELECT 1; SELECT 2')).rejects.toThrow(/multiple commands/);
  });

  it('bulk-inserts 10,000 rows through unnest arrays', async () => {
    const { db } = suite();
    const n = 10_000;
    const keys = Array.from({ length: n }, (_, i) => `bulk-${i}`);
    const times = keys.map((_, i) => new Date(Date.UTC(2026, 0, 1) + i * 1000));
    const started = performance.now();
    const inserted = await db.transaction((tx) =>
      tx.query<{ key: string }>(
        `INSERT INTO predictions (model, version, source, key, signature, time, label, confidence, probabilities, input, gate_fired)
         SELECT 'digits', '1', 'cloud', k, 'sig', t, l, c, p::real[], decode(i, 'hex'), g
         FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::float8[], $5::text[], $6::text[], $7::bool[]) AS u(k, t, l, c, p, i, g)
         ON CONFLICT DO NOTHING RETURNING key`,
        [
          keys,
          times,
          keys.map((_, i) => String(i % 10)),
          keys.map((_, i) => (i % 100) / 100),
          keys.map((_, i) => `{${i % 10},0.5}`),
          keys.map((_, i) => (i % 2 ? 'ff00' : null)),
          keys.map((_, i) => (i % 3 === 0 ? null : i % 3 === 1)),
        ],
      ),
    );
    const ms = performance.now() - started;
    expect(inserted).toHaveLength(n);
    const [summary] = await db.query(
      "SELECT count(*) AS rows, count(input) AS inputs, count(gate_fired) AS gates, sum(confidence) AS confidence FROM predictions WHERE key LIKE 'bulk-%'",
    );
    expect(summary).toEqual({ rows: n, inputs: n / 2, gates: n - Math.ceil(n / 3), confidence: expect.closeTo(4950, 6) });
    const [row] = await db.query("SELECT time, probabilities, input, gate_fired FROM predictions WHERE key = 'bulk-9999'");
    expect(row).toEqual({ time: times[9999], probabilities: [9, 0.5], input: new Uint8Array([255, 0]), gate_fired: null });
    console.log(`${suite().store.kind}: 10,000 rows inserted through unnest in ${ms.toFixed(0)} ms`);
  });
});
