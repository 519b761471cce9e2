/**
 * Steady keyed traffic for the cluster's tests and benchmark: a few clients,
 * each sending one-instance `:predict` requests back to back, every key its
 * own. Whatever is not a 200 whose prediction carries the key back is a
 * failure, kept with its reason.
 */

export interface TrafficOptions {
  /** The balancer's (or a replica's) URL. */
  readonly url: string;
  readonly clients: number;
  /** One input, 784 values in [0, 1]. */
  readonly pixels: readonly number[];
  /** Keys are `<prefix>-<client>-<n>`. */
  readonly keyPrefix: string;
  readonly model?: string;
  /** A request unanswered this long fails (default 30 s). */
  readonly timeoutMs?: number;
}

export interface TrafficFailure {
  readonly key: string;
  readonly reason: string;
  readonly at: number;
}

export interface TrafficResult {
  readonly sent: number;
  /** Keys answered 200 with their own prediction. */
  readonly answered: readonly string[];
  readonly failures: readonly TrafficFailure[];
  readonly seconds: number;
}

export interface Traffic {
  /** Requests answered so far. */
  readonly answeredSoFar: number;
  /** Stops sending and resolves once the requests in flight are answered. */
  stop(): Promise<TrafficResult>;
}

export function startTraffic(options: TrafficOptions): Traffic {
  const endpoint = `${options.url}/v1/models/${options.model ?? 'digits-full'}:predict`;
  const pixels = JSON.stringify(options.pixels);
  const answered: string[] = [];
  const failures: TrafficFailure[] = [];
  let sent = 0;
  let stopped = false;
  const started = performance.now();
  const client = async (index: number) => {
    for (let n = 0; !stopped; n++) {
      const key = `${options.keyPrefix}-${index}-${n}`;
      sent++;
      try {
        const response = await fetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: `{"instances":[{"key":${JSON.stringify(key)},"pixels":${pixels}}]}`,
          signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
        });
        const text = await response.text();
        if (response.status !== 200) failures.push({ key, reason: `${response.status} ${text.slice(0, 200)}`, at: performance.now() - started });
        else if ((JSON.parse(text) as { predictions?: { key?: string }[] }).predictions?.[0]?.key !== key) {
          failures.push({ key, reason: `200 without its key: ${text.slice(0, 200)}`, at: performance.now() - started });
        } else answered.push(key);
      } catch (error) {
        failures.push({
          key,
          reason: error instanceof Error ? `${error.message} ${String(error.cause ?? '')}` : String(error),
          at: performance.now() - started,
        });
      }
    }
  };
  const running = Promise.all(Array.from({ length: options.clients }, (_, i) => client(i)));
  return {
    get answeredSoFar() {
      return answered.length;
    },
    async stop() {
      stopped = true;
      await running;
      return { sent, answered, failures, seconds: (performance.now() - started) / 1000 };
    },
  };
}
