/**
 * Opens the store the settings name, with its schema up to date: PostgreSQL
 * when DATABASE_URL is set, else the embedded PGlite in DATA_DIR.
 */
import type { BackendDatabase, Database, DatabaseSettings } from './database';
import { migrate } from './migrate';
import { openPGlite } from './pglite';
import { openPostgres } from './postgres';

const POSTGRES_URL = /^postgres(ql)?:\/\//;

/** The backend the settings name, as it is: no migrations run. */
export async function openBackend(settings: DatabaseSettings): Promise<BackendDatabase> {
  const url = settings.databaseUrl;
  // Never echo the URL: it may hold a password.
  if (url !== undefined && !POSTGRES_URL.test(url)) throw new Error('DATABASE_URL must start with postgres:// or postgresql://');
  return url !== undefined ? openPostgres(url) : openPGlite(settings.dataDir);
}

/** The store the settings name, migrated; on a failed migration it is closed again (and PGlite's lock released). */
export async function openDatabase(settings: DatabaseSettings): Promise<Database> {
  const db = await openBackend(settings);
  try {
    await migrate(db);
  } catch (error) {
    await db.close().catch(() => {});
    throw error;
  }
  return db;
}
