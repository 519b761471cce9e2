/**
 * The shared backend: a PostgreSQL server through a pg Pool, for several
 * server replicas (or a server and the evaluation CLI) at once.
 */
import pg from 'pg';
import type { BackendDatabase, ScriptRunner } from './database';
import { refuseInsideTransaction, runTransaction, type Session } from './transaction';
import { pgTypes, toParams } from './values';

/** The session on one client. Queries use the extended protocol, as PGlite's do: one statement each, the same on both backends. */
function sessionOf(client: pg.Pool | pg.PoolClient): Session {
  return {
    query: async (sql, params) => {
      // queryMode is in pg's Query but not in @types/pg.
      const config = { text: sql, values: toParams(params), queryMode: 'extended' };
      return (await client.query(config as pg.QueryConfig)).rows as unknown[];
    },
    exec: async (sql) => {
      // Without values pg uses the simple protocol, which runs every statement of the text.
      await client.query(sql);
    },
  };
}

class PostgresDatabase implements BackendDatabase {
  readonly kind = 'postgres';
  private readonly session: Session;
  private closing: Promise<void> | undefined;

  constructor(private readonly pool: pg.Pool) {
    this.session = sessionOf(pool);
  }

  async query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]> {
    refuseInsideTransaction(this);
    return (await this.session.query(sql, params)) as Row[];
  }

  async transaction<T>(work: (tx: ScriptRunner) => Promise<T>): Promise<T> {
    refuseInsideTransaction(this);
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      return await runTransaction(this, sessionOf(client), work, (error) => {
        broken = error instanceof Error ? error : new Error(String(error));
      });
    } finally {
      // A client whose ROLLBACK failed may still be inside the transaction: destroy it rather than reuse it.
      client.release(broken ?? false);
    }
  }

  close(): Promise<void> {
    this.closing ??= this.pool.end();
    return this.closing;
  }
}

/** A pool on `url` (postgres://…); connects on the first query. */
export function openPostgres(url: string): BackendDatabase {
  const pool = new pg.Pool({
    connectionString: url,
    types: pgTypes,
    // Dates, date_trunc and now()::text in UTC, as in PGlite. pg-pool awaits this before handing the client
    // out (failing the connect if it fails); @types/pg types it as returning void.
    // eslint-disable-next-line @typescript-eslint/no-misused-promises
    onConnect: (client) => client.query("SET TIME ZONE 'UTC'"),
  });
  // An idle client losing its server (a restart, a failover) is emitted here; without a listener it
  // would crash the process. The pool drops that client and the next query connects afresh.
  pool.on('error', () => {});
  return new PostgresDatabase(pool);
}
