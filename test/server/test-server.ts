/**
 * In-process servers for tests, built from environment-style settings over a
 * throwaway static folder and, where needed, a private copy of the model pack.
 */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildReadyServer, buildServer, type Server } from '../../server/app';
import { loadConfig } from '../../server/config';

/** A folder with a minimal built page, so tests need no `npm run build`. */
export function staticDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pwa-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>test</title>');
  return dir;
}

/** A private copy of the model pack, for tests that add or break versions. */
export function registryCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'models-'));
  cpSync('public/models', dir, { recursive: true });
  return dir;
}

const settings = (env: Record<string, string>) => ({ ...loadConfig({ LOG_LEVEL: 'silent', ...env }), staticDir: staticDir() });

/** A server with every model loaded, configured by environment-style settings. */
export function readyServer(env: Record<string, string> = {}): Promise<Server> {
  return buildReadyServer(settings(env));
}

/** A server whose models are not loaded yet. */
export function coldServer(env: Record<string, string> = {}): Promise<Server> {
  return buildServer(settings(env));
}
