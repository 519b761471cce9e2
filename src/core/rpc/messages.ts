/**
 * The message shapes of the worker RPC bridge, shared by both ends. A request
 * carries an id and a method; the worker answers that id exactly once, with a
 * result or an error. Events (progress) flow from the worker unasked.
 */

/** A worker's API: one handler per method, taking one value and giving one (or a promise of it). */
export type RpcApi = { readonly [method: string]: (params: never) => unknown };

export type Params<Api extends RpcApi, M extends keyof Api> = Parameters<Api[M]>[0];
export type Result<Api extends RpcApi, M extends keyof Api> = Awaited<ReturnType<Api[M]>>;

export interface RpcRequest {
  readonly id: number;
  readonly method: string;
  readonly params: unknown;
}

/** An error as it crosses the boundary: what it was and what it said. */
export interface RpcFailure {
  readonly name: string;
  readonly message: string;
}

export type RpcMessage<Event = never> =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly error: RpcFailure }
  | { readonly event: Event };

/** Buffers handed over to the other side (moved, not copied). Only ArrayBuffers cross here. */
export type TransferList = ArrayBuffer[];

/** The error a caller sees when the worker reported a failure. */
export class RemoteError extends Error {
  constructor(failure: RpcFailure) {
    super(failure.message);
    this.name = failure.name === 'Error' ? 'RemoteError' : failure.name;
  }
}
