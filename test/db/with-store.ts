/** A store opened for one piece of work (benchmarks, scripts): no test runner needed. */
import type { Database, DatabaseSettings } from '../../server/db/database';
import { openDatabase } from '../../server/db/open';

/** Opens the store the settings name (migrated), runs `work` on it, and closes it. */
export async function withStore<T>(settings: DatabaseSettings, work: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase(settings);
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}
