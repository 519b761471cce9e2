/**
 * The event loop's handle on the store thread: a Database (statements and
 * transactions) and the prediction log's sink, over the worker RPC bridge.
 * The thread runs one call at a time; an open transaction would hold every
 * other call behind it there, so calls take turns here, a transaction's
 * statements together.
 */
import { Worker } from 'node:worker_threads';
import { RpcClient } from '../../../src/core/rpc/client';
import type { LogSink } from '../../evaluation/log/prediction-log';
import type { LogBatch } from '../../evaluation/log/records';
import type { Database, DatabaseKind, DatabaseSettings, Queryable } from '../database';
import { Mutex } from '../mutex';
import type { StoreApi } from './store-api';

const ENTRY = new URL('./store-thread-entry.mjs', import.meta.url);

export class ThreadStore implements Database, LogSink {
  private readonly turn = new Mutex();
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly worker: Worker,
    private readonly rpc: RpcClient<StoreApi>,
    readonly kind: DatabaseKind,
  ) {}

  /** Starts the thread and opens the store in it; a failure (a locked directory, a bad URL) rejects with its message. */
  static async open(settings: DatabaseSettings, repository: string, logInputs: boolean): Promise<ThreadStore> {
    const worker = new Worker(ENTRY);
    const rpc = new RpcClient<StoreApi>((request, transfer) => worker.postMessage(request, transfer));
    worker.on('message', (message) => rpc.receive(message));
    worker.on('error', (error) => rpc.stop(new Error(`the store thread crashed: ${error.message}`)));
    worker.on('exit', (code) => rpc.stop(new Error(`the store thread exited (code ${code})`)));
    try {
      const { kind } = await rpc.call('open', { settings, repository, logInputs });
      return new ThreadStore(worker, rpc, kind);
    } catch (error) {
      await worker.terminate();
      throw error;
    }
  }

  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]> {
    return this.turn.run(async () => (await this.rpc.call('query', { sql, params })) as Row[]);
  }

  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.turn.run(async () => {
      const tx = await this.rpc.call('begin', undefined);
      const runner: Queryable = {
        query: async <Row>(sql: string, params?: readonly unknown[]) => (await this.rpc.call('txQuery', { tx, sql, params })) as Row[],
      };
      let result: T;
      try {
        result = await work(runner);
      } catch (error) {
        await this.rpc.call('end', { tx, commit: false }).catch(() => undefined);
        throw error;
      }
      await this.rpc.call('end', { tx, commit: true });
      return result;
    });
  }

  write(batches: readonly LogBatch[]): Promise<{ inserted: number; duplicates: number }> {
    // Handed over, not copied: the log keeps no reference to what it sends.
    const buffers = batches.flatMap((b) => [b.scores.buffer, ...(b.inputs ? [b.inputs.buffer] : [])]) as ArrayBuffer[];
    return this.turn.run(() => this.rpc.call('writeLog', { batches }, [...new Set(buffers)]));
  }

  close(): Promise<void> {
    this.closing ??= this.turn
      .run(() => this.rpc.call('close', undefined))
      .finally(() => this.worker.terminate())
      .then(() => undefined);
    return this.closing;
  }
}
