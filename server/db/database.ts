/**
 * The store's one interface: PostgreSQL's SQL dialect, spoken either by an
 * embedded PGlite (the default, in DATA_DIR) or by a PostgreSQL server
 * (DATABASE_URL). Both backends return the same JavaScript values for the
 * same columns, so nothing above this layer knows which one it talks to.
 */

/** Something that runs SQL: the database itself or one of its transactions. */
export interface Queryable {
  /** Runs one statement with $1… parameters and returns its rows. */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
}

export type DatabaseKind = 'pglite' | 'postgres';

export interface Database extends Queryable {
  readonly kind: DatabaseKind;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Ends every connection (and, for PGlite, releases the directory's lock). Safe to call twice. */
  close(): Promise<void>;
}

export interface DatabaseSettings {
  /** postgres://… for a PostgreSQL server; unset for the embedded PGlite. */
  readonly databaseUrl: string | undefined;
  /** Where PGlite keeps its files (created when missing). */
  readonly dataDir: string;
}

/**
 * A Queryable that can also run a script of several statements without
 * parameters, as a migration file is. Kept apart from Queryable: only
 * migrations need it, and a script's statements cannot be parameterised.
 */
export interface ScriptRunner extends Queryable {
  /** Runs every statement of `sql` (no parameters); returns nothing. */
  exec(sql: string): Promise<void>;
}

/** What a backend opens: a Database whose transactions can also run scripts (for the migrations). */
export interface BackendDatabase extends Database {
  transaction<T>(work: (tx: ScriptRunner) => Promise<T>): Promise<T>;
}
