/**
 * The worker's end of the worker RPC bridge: requests go to typed handlers,
 * one at a time in arrival order (a session must never run twice at once),
 * and each is answered exactly once, with its result or with the error its
 * handler threw, so no caller waits forever.
 */
import type { RpcApi, RpcFailure, RpcMessage, RpcRequest, TransferList } from './messages';

/** A handler's result with the buffers to hand over instead of copying. */
export class Transfer<T> {
  constructor(
    readonly value: T,
    readonly buffers: TransferList,
  ) {}
}

export type Handlers<Api extends RpcApi> = {
  readonly [M in keyof Api]: (params: Parameters<Api[M]>[0]) => Promise<Awaited<ReturnType<Api[M]>> | Transfer<Awaited<ReturnType<Api[M]>>>>;
};

function failure(error: unknown): RpcFailure {
  return error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) };
}

/** Returns the listener to attach to the transport's incoming messages. */
export function serveRpc<Api extends RpcApi, Event = never>(
  handlers: Handlers<Api>,
  post: (message: RpcMessage<Event>, transfer: TransferList) => void,
): (request: RpcRequest) => void {
  let queue: Promise<void> = Promise.resolve();
  const handle = async (request: RpcRequest): Promise<void> => {
    try {
      const handler = Object.hasOwn(handlers, request.method) ? (handlers as Record<string, (p: unknown) => Promise<unknown>>)[request.method] : undefined;
      if (!handler) throw new Error(`unknown method "${request.method}"`);
      const outcome = await handler(request.params);
      if (outcome instanceof Transfer) post({ id: request.id, ok: true, result: outcome.value }, outcome.buffers);
      else post({ id: request.id, ok: true, result: outcome }, []);
    } catch (error) {
      post({ id: request.id, ok: false, error: failure(error) }, []);
    }
  };
  return (request) => {
    queue = queue.then(() => handle(request));
  };
}
