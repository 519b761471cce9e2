/**
 * Brings the schema up to date: applies migrations/NNN_name.sql in order,
 * each in its own transaction, and records it in schema_migrations. Several
 * replicas starting at once queue on one advisory lock, so each migration is
 * applied exactly once.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BackendDatabase, ScriptRunner } from './database';

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations', import.meta.url));

/** The advisory lock migrations take (any constant no other code uses). */
const MIGRATION_LOCK = 7_140_000;

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly file: string;
}

/** The NNN_name.sql files of `dir`, by version; other files are ignored. */
export function listMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .map((file) => /^(\d+)_(.+)\.sql$/.exec(file))
    .filter((m) => m !== null)
    .map(([file, version, name]) => ({ version: Number(version), name: name as string, file: join(dir, file) }))
    .sort((a, b) => a.version - b.version);
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]?.version === migrations[i - 1]?.version) throw new Error(`two migrations with version ${migrations[i]?.version} in ${dir}`);
  }
  return migrations;
}

/** Takes the migration lock (until the transaction ends) and returns the versions applied so far. */
async function lockAndRead(tx: ScriptRunner): Promise<Set<number>> {
  await tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
  await tx.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
  const rows = await tx.query<{ version: number }>('SELECT version FROM schema_migrations');
  return new Set(rows.map((r) => r.version));
}

/** Applies the migrations of `dir` not applied yet; returns those it applied (none when up to date). */
export async function migrate(db: BackendDatabase, dir: string = MIGRATIONS_DIR): Promise<Migration[]> {
  const migrations = listMigrations(dir);
  const applied = await db.transaction(lockAndRead);
  const done: Migration[] = [];
  for (const migration of migrations) {
    if (applied.has(migration.version)) continue;
    const sql = readFileSync(migration.file, 'utf8');
    const ran = await db.transaction(async (tx) => {
      // Another replica may have applied it while we waited for the lock.
      if ((await lockAndRead(tx)).has(migration.version)) return false;
      try {
        await tx.exec(sql);
      } catch (error) {
        throw new Error(`migration ${migration.file} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      return true;
    });
    if (ran) done.push(migration);
  }
  return done;
}
