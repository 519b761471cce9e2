/**
 * The store in its own thread. PGlite is PostgreSQL compiled to WebAssembly:
 * every statement computes on the thread that calls it, and writing the
 * prediction log (rows with their inputs, profiles) costs tens of
 * microseconds a row. Here that thread is not the event loop. PostgreSQL's
 * client lives here too, so both backends behave alike.
 */
import { parentPort } from 'node:worker_threads';
import { serveRpc } from '../../../src/core/rpc/server';
import { ModelLayouts } from '../../evaluation/layouts';
import { localSink, type LogSink } from '../../evaluation/log/prediction-log';
import type { Database, Queryable } from '../database';
import { openDatabase } from '../open';
import type { StoreApi } from './store-api';
import { lowerThreadPriority } from '../../threads/priority';

const port = parentPort;
if (!port) throw new Error('store-thread must run as a worker thread');

/**
 * Serving comes first: this thread runs below the event loop and the
 * inference threads, so on a busy machine the log takes the spare cycles,
 * and falls behind (dropping and counting rows) before serving slows.
 */
lowerThreadPriority();

let db: Database | undefined;
let sink: LogSink | undefined;
/** Open transactions: each holds its statements' runner until its end is asked for. */
const transactions = new Map<number, { tx: Queryable; end: (commit: boolean) => Promise<void> }>();
let nextTx = 0;

const opened = () => {
  if (!db) throw new Error('the store is not open');
  return db;
};

/** A transaction kept open across calls: `work` waits for `end`, then commits (resolves) or rolls back (throws). */
async function begin(): Promise<number> {
  const id = ++nextTx;
  const rollback = new Error('rolled back by its caller');
  await new Promise<void>((started, failedToStart) => {
    let finish!: (commit: boolean) => void;
    const decided = new Promise<boolean>((r) => (finish = r));
    const done = opened()
      .transaction(async (tx) => {
        transactions.set(id, {
          tx,
          end: async (commit) => (finish(commit), await done.catch((e: unknown) => (e === rollback ? undefined : Promise.reject(e)))),
        });
        started();
        if (!(await decided)) throw rollback;
      })
      .finally(() => transactions.delete(id));
    done.catch(failedToStart);
  });
  return id;
}

const listener = serveRpc<StoreApi>(
  {
    async open({ settings, repository, logInputs }) {
      db = await openDatabase(settings);
      const layouts = await ModelLayouts.load(repository);
      sink = localSink(db, layouts.of, logInputs);
      return { kind: db.kind };
    },
    async query({ sql, params }) {
      return opened().query(sql, params);
    },
    begin,
    async txQuery({ tx, sql, params }) {
      const open = transactions.get(tx);
      if (!open) throw new Error(`no open transaction ${tx}`);
      return open.tx.query(sql, params);
    },
    async end({ tx, commit }) {
      const open = transactions.get(tx);
      if (!open) throw new Error(`no open transaction ${tx}`);
      await open.end(commit);
    },
    async writeLog({ batches }) {
      if (!sink) throw new Error('the store is not open');
      return sink.write(batches);
    },
    async close() {
      const closing = db;
      db = undefined;
      await closing?.close();
    },
  },
  (message, transfer) => port.postMessage(message, transfer),
);
port.on('message', listener);
