/**
 * Early load shedding for the inference routes (OIP infer and keyed
 * :predict). When the model's bounded queue is (nearly) full, a request is
 * answered 429 QUEUE_FULL with Retry-After as soon as its headers arrive,
 * before its body is read, parsed or validated: under overload the event
 * loop spends its time on requests that can still be served, and health
 * checks stay fast. Unknown models and verbs pass through to the route,
 * which answers 404 as usual.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ServiceError } from '../../src/core/api/errors';
import type { ServingModel } from '../serving/model';
import { splitVerb } from '../routes/predict';
import type { ModelRegistry } from '../serving/registry';

type Params = Readonly<Record<string, string | undefined>>;

/** The model a keyed route's "<name or version>:predict" segment names, if the verb is predict. */
function predictTarget(target: string | undefined): string | undefined {
  if (target === undefined) return undefined;
  const { id, verb } = splitVerb(target);
  return verb === 'predict' ? id : undefined;
}

/** The name and version each inference route (a POST) takes from its path, by route pattern. */
const ROUTES: Readonly<Record<string, (params: Params) => { name: string | undefined; version: string | undefined }>> = {
  '/v2/models/:model/infer': (p) => ({ name: p['model'], version: undefined }),
  '/v2/models/:model/versions/:version/infer': (p) => ({ name: p['model'], version: p['version'] }),
  '/v1/models/:target': (p) => ({ name: predictTarget(p['target']), version: undefined }),
  '/v1/models/:model/versions/:target': (p) => {
    const version = predictTarget(p['target']);
    return { name: version === undefined ? undefined : p['model'], version };
  },
};

function modelOf(registry: ModelRegistry, request: FastifyRequest): ServingModel | undefined {
  if (request.method !== 'POST') return undefined;
  const names = ROUTES[request.routeOptions.url ?? '']?.(request.params as Params);
  if (names?.name === undefined) return undefined;
  try {
    return registry.resolve(names.name, names.version);
  } catch {
    return undefined; // the route answers the 404
  }
}

/**
 * A request let in stops counting against the room after this long even if
 * its body has not been parsed yet, so slow or stalled uploads cannot hold
 * the gate shut (the HTTP request timeout ends them later).
 */
const ADMISSION_HOLD_MS = 1000;
/**
 * How long a request may wait, unread, for room in the queue before it is
 * refused. Waiting costs nothing (its body stays in the socket, held back by
 * TCP), keeps the queue fed as it drains, and spares the server a storm of
 * refusals from clients that retry at once. Half again as long as a hold: a
 * request that arrives behind stalled uploads outlives their places, even
 * when a loaded machine lets them in late. A full default queue (2048 rows)
 * drains in about a third of a second.
 */
const ADMISSION_WAIT_MS = 1500;
/** How often waiting requests look for room. */
const POLL_MS = 2;

interface Waiter {
  readonly rows: number;
  readonly admit: () => void;
}

/** One model's admissions: requests let in whose body is still being read or parsed, and requests waiting to be let in. */
class Gate {
  /** Rows of the requests let in whose bodies are still being read or parsed (estimated). */
  admitting = 0;
  readonly waiters: Waiter[] = [];
  private poll: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly model: ServingModel) {}

  /**
   * The rows a request will probably bring, before its body is read: from its
   * Content-Length (a pixel takes at least two characters of JSON), at most a
   * batch (and an eighth of the queue); a full batch when the length is not
   * known. So a burst of large requests is not all read and parsed only to
   * find the queue full, while small ones go straight in.
   */
  estimateRows(contentLength: number | undefined): number {
    const { maxQueueRows, maxBatchSize } = this.model.stats();
    const most = Math.max(1, Math.min(maxBatchSize, Math.floor(maxQueueRows / 8)));
    if (contentLength === undefined || !Number.isFinite(contentLength)) return most;
    return Math.max(1, Math.min(most, Math.ceil(contentLength / (2 * this.model.rowSize))));
  }

  /** Whether a request of `rows` may be read now. */
  hasRoom(rows: number): boolean {
    const { queuedRows, maxQueueRows } = this.model.stats();
    return queuedRows + this.admitting + rows <= maxQueueRows;
  }

  /** Resolves true once the request may be read (its rows then count as admitting), false if no room came within the wait. */
  wait(rows: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const waiter: Waiter = {
        rows,
        admit: () => {
          clearTimeout(timer);
          resolve(true);
        },
      };
      const timer = setTimeout(() => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        resolve(false);
      }, ADMISSION_WAIT_MS);
      this.waiters.push(waiter);
      this.poll ??= setInterval(() => this.letIn(), POLL_MS);
    });
  }

  /** Lets waiting requests in, oldest first, while there is room. */
  private letIn(): void {
    for (let next = this.waiters[0]; next && this.hasRoom(next.rows); next = this.waiters[0]) {
      this.admitting += next.rows;
      this.waiters.shift();
      next.admit();
    }
    if (this.waiters.length === 0) {
      clearInterval(this.poll);
      this.poll = undefined;
    }
  }
}

/**
 * Before an inference request's body is read: if its model's queue has room,
 * it is let in; if not, it waits unread up to ADMISSION_WAIT_MS for room
 * (oldest first; at most as many requests wait as the queue holds rows), and
 * is then refused with 429 QUEUE_FULL, Retry-After and Connection: close (so
 * its body is never read).
 */
export function registerLoadShedding(app: FastifyInstance, registry: ModelRegistry): void {
  const gates = new WeakMap<ServingModel['entry'], Gate>();
  /** Each request let in holds a place (its estimated rows) until its body has been parsed, it ended, or it held the place too long. */
  const admitted = new Map<FastifyRequest, { readonly gate: Gate; readonly rows: number; readonly at: number }>();
  const leave = (request: FastifyRequest) => {
    const place = admitted.get(request);
    if (!place) return;
    admitted.delete(request);
    place.gate.admitting -= place.rows;
  };
  const release = (request: FastifyRequest, _reply: unknown, done: () => void) => {
    leave(request);
    done();
  };
  // One sweep for all, not a timer per request: places held longer than ADMISSION_HOLD_MS are given back.
  let sweep: ReturnType<typeof setInterval> | undefined;
  const admit = (request: FastifyRequest, gate: Gate, rows: number) => {
    admitted.set(request, { gate, rows, at: performance.now() });
    sweep ??= setInterval(() => {
      const oldest = performance.now() - ADMISSION_HOLD_MS;
      for (const [held, place] of admitted) if (place.at <= oldest) leave(held);
      if (admitted.size === 0) {
        clearInterval(sweep);
        sweep = undefined;
      }
    }, ADMISSION_HOLD_MS / 4).unref();
  };
  // Callback hooks, not async ones: a request with room goes on in the same turn, as it would without the gate.
  app.addHook('onRequest', (request, reply, done) => {
    const model = modelOf(registry, request);
    if (!model) return done();
    let gate = gates.get(model.entry);
    if (!gate) gates.set(model.entry, (gate = new Gate(model)));
    const length = request.headers['content-length'];
    const rows = gate.estimateRows(length === undefined ? undefined : Number(length));
    if (gate.waiters.length === 0 && gate.hasRoom(rows)) {
      gate.admitting += rows;
      admit(request, gate, rows);
      return done();
    }
    const refuse = () => {
      const { queuedRows, maxQueueRows } = model.stats();
      reply.header('connection', 'close');
      done(new ServiceError('QUEUE_FULL', `the model's queue is full (${queuedRows} of ${maxQueueRows} rows waiting); retry shortly`, 1));
    };
    // As many requests may wait as the queue holds rows; beyond that, refused at once.
    if (gate.waiters.length >= model.stats().maxQueueRows) return refuse();
    const waiting = gate;
    void waiting.wait(rows).then((admitted) => {
      if (!admitted) return refuse();
      admit(request, waiting, rows);
      done();
    });
  });
  app.addHook('preHandler', release);
  app.addHook('onResponse', release);
  app.addHook('onRequestAbort', (request, done) => {
    leave(request);
    done();
  });
}
