/**
 * The embedded backend: PGlite (PostgreSQL in WebAssembly) keeping its files
 * in one directory, locked against a second process.
 *
 * Durability: PGlite runs with synchronous_commit on and writes its WAL
 * straight to the directory's files (no in-memory file system), so a COMMIT
 * that returned is in the operating system's hands and survives the process
 * being killed. PGlite runs with fsync off, so a power loss may still lose it.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { BackendDatabase, ScriptRunner } from './database';
import { lockDirectory } from './dir-lock';
import { Mutex } from './mutex';
import { refuseInsideTransaction, runTransaction, type Session } from './transaction';
import { pgliteParsers, toParams } from './values';

class PGliteDatabase implements BackendDatabase {
  readonly kind = 'pglite';
  // PGlite is a single session: a statement sent during another caller's
  // transaction would run inside it. Statements and transactions queue here.
  private readonly turn = new Mutex();
  private readonly session: Session;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly pg: PGlite,
    private readonly release: () => void,
  ) {
    this.session = {
      query: async (sql, params) => (await pg.query(sql, toParams(params))).rows,
      exec: async (sql) => {
        await pg.exec(sql);
      },
    };
  }

  async query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]> {
    refuseInsideTransaction(this);
    return (await this.turn.run(() => this.session.query(sql, params))) as Row[];
  }

  async transaction<T>(work: (tx: ScriptRunner) => Promise<T>): Promise<T> {
    refuseInsideTransaction(this);
    return this.turn.run(() => runTransaction(this, this.session, work, () => {}));
  }

  close(): Promise<void> {
    this.closing ??= this.turn.run(() => this.pg.close()).finally(this.release);
    return this.closing;
  }
}

/** Opens (creating when missing) the PGlite store in `dataDir`; throws StoreLockedError when another process has it. */
export async function openPGlite(dataDir: string): Promise<BackendDatabase> {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const release = await lockDirectory(dir);
  try {
    const pg = await PGlite.create({ dataDir: dir, parsers: pgliteParsers });
    return new PGliteDatabase(pg, release);
  } catch (error) {
    release();
    throw error;
  }
}
