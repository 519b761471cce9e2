/** What a batch pool thread offers the coordinator, over the worker RPC bridge (src/core/rpc). */
import type { BatchJob, ChunkResult } from '../job/spec';

export type PoolApi = {
  /**
   * Loads the job's model version (verified and warmed up) into this thread. `stop` is shared: 1 abandons running chunks.
   * `background`: the thread, its session's computing included, runs at the lowest priority, below online serving.
   */
  open(params: { readonly job: BatchJob; readonly stop: SharedArrayBuffer; readonly background: boolean }): void;
  /** Processes and commits one chunk; rejects (ChunkAbandoned) when stopped first. */
  process(params: { readonly chunk: number }): ChunkResult;
  /** Releases the model; the thread can then end. */
  close(params: undefined): void;
};

/** Progress within a chunk: rows finished so far, and how many of them failed. */
export interface PoolEvent {
  readonly chunk: number;
  readonly rows: number;
  readonly failed: number;
}
