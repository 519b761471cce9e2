/**
 * The API server process: settings from the environment, listen, then load
 * and warm every model. On SIGTERM it first drains for DRAIN_MS: readiness
 * answers 503 while every request is still served, so a balancer's health
 * checks take the replica out before it stops. Then (at once on SIGINT, or on
 * a second signal) it stops taking connections and finishes the requests in
 * flight; after SHUTDOWN_TIMEOUT_MS it closes what is left and exits, as
 * Triton's --exit-timeout-secs does.
 */
import type { Server } from 'node:http';
import { ServiceError } from '../src/core/api/errors';
import { buildServer } from './app';
import { ConfigError, loadConfig } from './config';
import { listenForMetrics } from './metrics/metrics-listener';

/** Default drain: two failed checks a second apart take a replica out of HAProxy (`inter 1s fall 2`), with a second to spare. */
const DEFAULT_DRAIN_MS = 3000;

/** DRAIN_MS (read here, beside the signals it serves): a whole number of milliseconds, 0 for none. */
function drainMs(env: Record<string, string | undefined> = process.env): number {
  const text = env['DRAIN_MS'];
  if (text === undefined || text === '') return DEFAULT_DRAIN_MS;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 600_000) {
    throw new ConfigError(`invalid server settings: DRAIN_MS: must be a whole number of milliseconds from 0 to 600000 (got ${JSON.stringify(text)})`);
  }
  return value;
}

async function main(): Promise<void> {
  const config = loadConfig();
  const drainForMs = drainMs();
  const { app, context } = await buildServer(config);
  let metricsServer: Server | undefined;
  let closing = false;
  let endDrain: (() => void) | undefined;
  /** Readiness goes 503 (shuttingDown), everything else is still served; resolves after `ms` or on the next signal. */
  const drain = (signal: string, ms: number) =>
    new Promise<void>((resolve) => {
      context.shuttingDown = true;
      if (ms === 0) return resolve();
      app.log.info({ signal, drainMs: ms }, 'draining: not ready, still serving');
      const timer = setTimeout(resolve, ms);
      endDrain = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const onSignal = (signal: string) => {
    if (endDrain) {
      // A second signal during the drain: stop now.
      endDrain();
      endDrain = undefined;
      return;
    }
    if (closing) {
      // A signal while closing: leave what still hangs.
      app.log.warn({ signal }, 'signal while closing: exiting now');
      process.exit(1);
    }
    closing = true;
    void drain(signal, signal === 'SIGTERM' ? drainForMs : 0).then(() => {
      endDrain = undefined;
      shutdown(signal);
    });
  };
  const shutdown = (signal: string) => {
    app.log.info({ signal, timeoutMs: config.shutdownTimeoutMs }, 'shutting down: finishing requests in flight');
    const deadline = setTimeout(() => {
      app.log.warn({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown timeout: closing the remaining connections');
      app.server.closeAllConnections();
      // Give the closes a moment to flush, then leave whatever still hangs.
      setTimeout(() => process.exit(0), 200).unref();
    }, config.shutdownTimeoutMs);
    deadline.unref();
    metricsServer?.close();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  await app.listen({ port: config.port, host: config.host });
  if (config.metricsPort !== undefined) {
    metricsServer = await listenForMetrics(context, config.metricsPort, config.host);
    app.log.info({ port: config.metricsPort }, 'metrics on their own port');
  }
  await context.registry.loadAll();
  const models = context.registry.all().map((m) => `${m.entry.name} v${m.entry.version}`);
  app.log.info({ models }, 'models loaded and warm: ready');
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError || error instanceof ServiceError ? error.message : error);
  process.exit(1);
});
