/**
 * In-process servers for tests, built from environment-style settings over a
 * throwaway static folder and, where needed, a private copy of the model pack.
 */
import { buildReadyServer, buildServer, type Server } from '../../server/app';
import { loadConfig } from '../../server/config';
import { staticDir } from './folders';

export { registryCopy, staticDir } from './folders';

// Continued evaluation opens a store (seconds for PGlite): off unless a test turns it on.
const settings = (env: Record<string, string>) => ({ ...loadConfig({ LOG_LEVEL: 'silent', EVALUATION: 'off', ...env }), staticDir: staticDir() });

/** A server with every model loaded, configured by environment-style settings. */
export function readyServer(env: Record<string, string> = {}): Promise<Server> {
  return buildReadyServer(settings(env));
}

/** A server whose models are not loaded yet. */
export function coldServer(env: Record<string, string> = {}): Promise<Server> {
  return buildServer(settings(env));
}
