/** The API server process: settings from the environment, listen, then load and warm every model. */
import { ServiceError } from '../src/core/api/errors';
import { buildServer } from './app';
import { ConfigError, loadConfig } from './config';

async function main(): Promise<void> {
  const config = loadConfig();
  const { app, context } = await buildServer(config);
  const shutdown = (signal: string) => {
    app.log.info({ signal }, 'shutting down: finishing requests in flight');
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
  await context.registry.loadAll();
  const models = context.registry.all().map((m) => `${m.entry.name} v${m.entry.version}`);
  app.log.info({ models }, 'models loaded and warm: ready');
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError || error instanceof ServiceError ? error.message : error);
  process.exit(1);
});
