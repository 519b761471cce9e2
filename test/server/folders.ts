/**
 * Throwaway folders for server tests: a minimal built page and a private copy
 * of the model pack. Imports nothing of the server, so processes that only
 * spawn it (the server benchmark) stay free of it.
 */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MODEL_PACK_DIR } from '../../src/core/manifest';

/** A folder with a minimal built page, so tests need no `npm run build`. */
export function staticDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pwa-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>test</title>');
  return dir;
}

/** A private copy of the model pack, for tests that add or break versions. */
export function registryCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'models-'));
  cpSync(MODEL_PACK_DIR, dir, { recursive: true });
  return dir;
}
