import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIGIT_STROKES, PAD_SIZE, rasterizeStrokes } from '../../e2e/fixtures/digit-strokes';
import { createInkRaster, preprocessMnistCom } from '../../src/core/preprocess';
import { buildReadyServer, buildServer, type Server } from '../app';
import { loadConfig } from '../config';

/** A folder with a minimal built page, so tests need no `npm run build`. */
export function staticDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pwa-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>test</title>');
  return dir;
}

/** A private copy of the model pack, for tests that add or break versions. */
export function repositoryCopy(): string {
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

/** The model input for a digit drawn on the pad, as the app would send it. */
export function drawnPixels(digit: number, penWidth = 18): number[] {
  const ink = rasterizeStrokes(DIGIT_STROKES[digit] ?? [], penWidth);
  return Array.from(preprocessMnistCom(createInkRaster(PAD_SIZE, PAD_SIZE, ink)));
}

/** A digit drawn on the pad as RGBA: black strokes on white, or white on black. */
export function drawnRgba(digit: number, lightOnDark = false): Uint8Array {
  const ink = rasterizeStrokes(DIGIT_STROKES[digit] ?? [], 18);
  const rgba = new Uint8Array(ink.length * 4);
  ink.forEach((v, i) => {
    const level = lightOnDark ? Math.round(v * 255) : Math.round((1 - v) * 255);
    rgba.set([level, level, level, 255], i * 4);
  });
  return rgba;
}
