import { z } from 'zod';

/**
 * Every server setting, read from the environment and checked at start.
 * A bad value stops the server with a message naming the variable.
 */
const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('localhost'),
  STATIC_DIR: z.string().min(1).default('dist'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface ServerConfig {
  readonly port: number;
  readonly host: string;
  readonly staticDir: string;
  readonly logLevel: z.infer<typeof ConfigSchema>['LOG_LEVEL'];
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(env: Record<string, string | undefined> = process.env): ServerConfig {
  const defined = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = ConfigSchema.safeParse(defined);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message} (got ${JSON.stringify(defined[String(i.path[0])])})`);
    throw new ConfigError(`invalid server settings: ${problems.join('; ')}`);
  }
  const c = result.data;
  return { port: c.PORT, host: c.HOST, staticDir: c.STATIC_DIR, logLevel: c.LOG_LEVEL };
}
