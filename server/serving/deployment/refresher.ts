/**
 * Refreshes the deployments on a period, so a replica picks up what another
 * changed in the store they share (and loads the versions it names), and
 * says so in the log: versions loaded, a deployment waiting for its versions
 * (once per reason, not every period), and when it is served again.
 */
import type { Deployments } from './deployments';

export interface Refresher {
  /** Refreshes now, or waits for the refresh in flight; never rejects (failures are logged). */
  refresh(): Promise<void>;
  /** Stops the period and waits for a refresh in flight (before the models and the store close). */
  stop(): Promise<void>;
}

/** The part of a pino (Fastify) logger used here: the serving core stays free of the web layer. */
export interface RefreshLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export function refreshDeployments(deployments: Deployments, log: RefreshLog, periodMs: number): Refresher {
  const waiting = new Map<string, string>();
  let running: Promise<void> | undefined;
  let stopped = false;

  const once = async () => {
    try {
      const { loaded, pending } = await deployments.refresh();
      for (const { model, versions } of loaded) log.info({ model, versions }, 'deployments: loaded the versions another replica deployed');
      const now = new Map(pending.map((p) => [p.model, p.reason]));
      for (const [model, reason] of now) {
        if (waiting.get(model) !== reason) log.warn({ model, reason }, 'deployments: its versions are not served here yet; the last served deployment routes');
      }
      for (const model of waiting.keys()) if (!now.has(model)) log.info({ model }, 'deployments: served as stored again');
      waiting.clear();
      for (const [model, reason] of now) waiting.set(model, reason);
    } catch (error) {
      log.warn({ err: error }, 'deployments: the store could not be read; keeping the last ones');
    }
  };
  const refresh = () => {
    running ??= once().finally(() => (running = undefined));
    return running;
  };
  const timer = setInterval(() => {
    if (!stopped) void refresh();
  }, periodMs).unref();
  return {
    refresh,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
