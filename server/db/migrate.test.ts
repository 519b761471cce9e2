/**
 * Migrations: found and ordered by version, applied once even by several
 * connections at once, and a failing one rolled back with its file named.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { BACKENDS, freshStore, postgresCluster, tempDir } from '../../test/db/backends';
import { listMigrations, migrate, MIGRATIONS_DIR } from './migrate';
import { openBackend, openDatabase } from './open';

/** A migrations directory holding these files. */
function migrationsDir(files: Record<string, string>): string {
  const dir = tempDir('store-migrations-');
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
  return dir;
}

describe('listMigrations', () => {
  it('orders NNN_name.sql files by version and ignores other files', () => {
    const dir = migrationsDir({ '010_ten.sql': '', '002_two.sql': '', '001_one.sql': '', 'README.md': '', '003_three.sql.bak': '' });
    expect(listMigrations(dir).map((m) => [m.version, m.name])).toEqual([
      [1, 'one'],
      [2, 'two'],
      [10, 'ten'],
    ]);
  });

  it('refuses two migrations with one version', () => {
    expect(() => listMigrations(migrationsDir({ '001_one.sql': '', '1_again.sql': '' }))).toThrow(/two migrations with version 1/);
  });

  it('finds this repository’s migrations, 001 first', () => {
    expect(listMigrations(MIGRATIONS_DIR)[0]).toMatchObject({ version: 1, name: 'evaluation' });
  });
});

for (const kind of BACKENDS) {
  describe(`migrate (${kind})`, () => {
    it('applies each migration once, also when run concurrently', async () => {
      const dir = migrationsDir({
        '001_first.sql': 'CREATE TABLE runs (migration int); INSERT INTO runs VALUES (1);',
        '002_slow.sql': 'SELECT pg_sleep(0.2); INSERT INTO runs VALUES (2);',
        '003_third.sql': 'INSERT INTO runs VALUES (3); CREATE INDEX runs_by_migration ON runs (migration);',
      });
      const { settings } = await freshStore(kind);
      // PostgreSQL: four pools, as four replicas starting at once. PGlite: one process, four callers.
      const first = await openBackend(settings);
      const dbs = kind === 'postgres' ? [first, ...(await Promise.all([1, 2, 3].map(() => openBackend(settings))))] : [first, first, first, first];
      try {
        const applied = await Promise.all(dbs.map((db) => migrate(db, dir)));
        expect(
          applied
            .flat()
            .map((m) => m.version)
            .sort(),
        ).toEqual([1, 2, 3]);
        expect(await first.query('SELECT migration FROM runs ORDER BY migration')).toEqual([{ migration: 1 }, { migration: 2 }, { migration: 3 }]);
        expect(await first.query('SELECT version, name FROM schema_migrations ORDER BY version')).toEqual([
          { version: 1, name: 'first' },
          { version: 2, name: 'slow' },
          { version: 3, name: 'third' },
        ]);
        // Up to date: nothing to do.
        expect(await migrate(first, dir)).toEqual([]);
      } finally {
        await Promise.all([...new Set(dbs)].map((db) => db.close()));
      }
    });

    it('rolls back a failing migration, names its file, and applies it once fixed', async () => {
      const dir = migrationsDir({
        '001_good.sql': 'CREATE TABLE good (x int);',
        '002_bad.sql': 'CREATE TABLE half (x int);\nINSERT INTO good VALUES (1);\nSELECT no_such_function();',
      });
      const db = await openBackend((await freshStore(kind)).settings);
      try {
        const failure = migrate(db, dir);
        await expect(failure).rejects.toThrow(/migration .*002_bad\.sql failed: function no_such_function\(\) does not exist/);
        await expect(failure).rejects.toMatchObject({ cause: { code: '42883' } });
        expect(await db.query('SELECT version FROM schema_migrations')).toEqual([{ version: 1 }]);
        expect(await db.query("SELECT to_regclass('half') AS half, (SELECT count(*) FROM good) AS good")).toEqual([{ half: null, good: 0 }]);
        writeFileSync(join(dir, '002_bad.sql'), 'CREATE TABLE half (x int);');
        expect((await migrate(db, dir)).map((m) => m.name)).toEqual(['bad']);
      } finally {
        await db.close();
      }
    });

    it('openDatabase closes what it opened when a migration fails', async () => {
      const { settings } = await freshStore(kind);
      const raw = await openBackend(settings);
      await raw.query('CREATE TABLE predictions (conflicting int)');
      await raw.close();
      await expect(openDatabase(settings)).rejects.toThrow(/001_evaluation\.sql failed: relation "predictions" already exists/);
      if (kind === 'pglite') {
        // The lock was released: this process can open the directory again.
        await (await openBackend(settings)).close();
      } else {
        const name = new URL(settings.databaseUrl ?? '').pathname.slice(1);
        const admin = new pg.Client((await postgresCluster()).url);
        await admin.connect();
        try {
          // A backend leaves pg_stat_activity a moment after its client hung up.
          await expect
            .poll(async () => (await admin.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name])).rows, { timeout: 5_000 })
            .toEqual([{ n: 0 }]);
        } finally {
          await admin.end();
        }
      }
    });
  });
}

describe('openDatabase', () => {
  it('refuses a DATABASE_URL that is not postgres:// without echoing it', async () => {
    const failure = openDatabase({ databaseUrl: 'mysql://user:secret@db/evaluation', dataDir: tempDir('store-unused-') });
    await expect(failure).rejects.toThrow('DATABASE_URL must start with postgres:// or postgresql://');
    await expect(failure).rejects.not.toThrow(/secret/);
  });
});
