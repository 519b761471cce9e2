/**
 * The caller's end of the worker RPC bridge: typed calls become promises,
 * matched to answers by request id. When the worker stops or crashes,
 * `stop()` rejects every call still waiting, and later calls reject at once,
 * since a stopped worker never answers. The transport (a Web Worker, a Node
 * worker thread) is plugged in by its owner.
 */
import { RemoteError, type Params, type Result, type RpcApi, type RpcMessage, type RpcRequest, type TransferList } from './messages';

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

export class RpcClient<Api extends RpcApi, Event = never> {
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private stopped: Error | undefined;

  constructor(
    private readonly send: (request: RpcRequest, transfer: TransferList) => void,
    private readonly onEvent?: (event: Event) => void,
  ) {}

  /** Calls from the transport's message listener. */
  receive(message: RpcMessage<Event>): void {
    if ('event' in message) {
      this.onEvent?.(message.event);
      return;
    }
    const call = this.pending.get(message.id);
    if (!call) return;
    this.pending.delete(message.id);
    if (message.ok) call.resolve(message.result);
    else call.reject(new RemoteError(message.error));
  }

  call<M extends keyof Api & string>(method: M, params: Params<Api, M>, transfer: TransferList = []): Promise<Result<Api, M>> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    return new Promise<Result<Api, M>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      try {
        this.send({ id, method, params }, transfer);
      } catch (error) {
        this.pending.delete(id);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  /** The worker is gone: every waiting call and every later one rejects with `reason`. */
  stop(reason: Error): void {
    this.stopped ??= reason;
    for (const call of this.pending.values()) call.reject(reason);
    this.pending.clear();
  }

  get waiting(): number {
    return this.pending.size;
  }
}
