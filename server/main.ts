/**
 * The API server process: settings from the environment, listen, then load
 * and warm every model. On SIGTERM or SIGINT it stops taking connections and
 * finishes the requests in flight; after SHUTDOWN_TIMEOUT_MS it closes what is
 * left and exits, as Triton's --exit-timeout-secs does.
 */
import type { Server } from 'node:http';
import { ServiceError } from '../src/core/api/errors';
import { buildServer } from './app';
import { ConfigError, loadConfig } from './config';
import { listenForMetrics } from './metrics/metrics-listener';

async function main(): Promise<void> {
  const config = loadConfig();
  const { app, context } = await buildServer(config);
  let metricsServer: Server | undefined;
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
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
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
