/** What the store thread offers the event loop, over the worker RPC bridge (src/core/rpc). */
import type { LogBatch } from '../../evaluation/log/records';
import type { DatabaseKind, DatabaseSettings } from '../database';

export type StoreApi = {
  /** Opens (and migrates) the store, and reads the model layouts the prediction log needs. */
  open(params: { readonly settings: DatabaseSettings; readonly repository: string; readonly logInputs: boolean }): { kind: DatabaseKind };
  query(params: { readonly sql: string; readonly params: readonly unknown[] | undefined }): unknown[];
  /** Starts a transaction; its statements go through `txQuery` until `end`. */
  begin(params: undefined): number;
  txQuery(params: { readonly tx: number; readonly sql: string; readonly params: readonly unknown[] | undefined }): unknown[];
  end(params: { readonly tx: number; readonly commit: boolean }): void;
  /** Expands and writes logged rows in one transaction. */
  writeLog(params: { readonly batches: readonly LogBatch[] }): { inserted: number; duplicates: number };
  close(params: undefined): void;
};
