/**
 * BEGIN / COMMIT / ROLLBACK around a unit of work on one session, the same
 * for both backends, and the guard that keeps the work on its own `tx`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ScriptRunner } from './database';

/** One connection (pg) or the one PGlite session: what a transaction runs on. */
export interface Session {
  query(sql: string, params?: readonly unknown[]): Promise<unknown[]>;
  exec(sql: string): Promise<void>;
}

interface Scope {
  readonly owner: object;
  open: boolean;
}

const scopes = new AsyncLocalStorage<Scope>();

/**
 * Refuses a query on the database itself from inside one of its own
 * transactions: on PGlite it would wait for that transaction forever, and on
 * PostgreSQL it would run outside it, so the work must use its `tx`. Both
 * backends refuse, so code that passes on one passes on the other.
 */
export function refuseInsideTransaction(owner: object): void {
  const scope = scopes.getStore();
  if (scope?.open && scope.owner === owner) {
    throw new Error('a query on the database from inside its own transaction: use the transaction passed to the callback');
  }
}

/**
 * Runs `work` between BEGIN and COMMIT, or ROLLBACK when it throws. A failed
 * ROLLBACK goes to `broken` (the connection is then unusable) and the work's
 * own error is the one thrown.
 */
export async function runTransaction<T>(owner: object, session: Session, work: (tx: ScriptRunner) => Promise<T>, broken: (error: unknown) => void): Promise<T> {
  const scope: Scope = { owner, open: true };
  const ensureOpen = () => {
    if (!scope.open) throw new Error('this transaction has already ended');
  };
  const tx: ScriptRunner = {
    query: async <Row>(sql: string, params?: readonly unknown[]) => {
      ensureOpen();
      return (await session.query(sql, params)) as Row[];
    },
    exec: async (sql: string) => {
      ensureOpen();
      await session.exec(sql);
    },
  };
  await session.exec('BEGIN');
  let result: T;
  try {
    result = await scopes.run(scope, () => work(tx));
  } catch (error) {
    scope.open = false;
    await session.exec('ROLLBACK').catch(broken);
    throw error;
  }
  scope.open = false;
  try {
    await session.exec('COMMIT');
  } catch (error) {
    // PostgreSQL has rolled back a failed COMMIT already; this only returns the session to idle, if it can.
    await session.exec('ROLLBACK').catch(broken);
    throw error;
  }
  return result;
}
