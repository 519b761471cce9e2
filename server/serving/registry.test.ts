/**
 * The serving core works on its own, as a batch worker would use it: no
 * Fastify, no PWA build. A ModelRegistry made from plain settings loads the
 * model pack, gives the same logits for the drawn digits 0..9 as onnxruntime
 * run directly on the model file (tools/onnx/evaluate.ts, the independent
 * oracle), reports its queue, answers keyed predictions and explanations
 * through KeyedPredictor, and fails with ServiceErrors carrying the catalog's
 * codes (unknown model or version, work after close, a bad manifest or model
 * file). A static walk of the import graph of server/serving shows that none
 * of it reaches Fastify or the HTTP layer.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceError, type ErrorCode } from '../../src/core/api/errors';
import { argmax, softmax } from '../../src/core/math/probabilities';
import { drawnPixels, packModel } from '../../test/drawn-digits';
import { registryCopy } from '../../test/server/test-server';
import { runRows } from '../../tools/onnx/evaluate';
import { loadConfig } from '../config';
import { KeyedPredictor } from './inference/keyed';
import { ModelRegistry } from './registry';
import type { ServingSettings } from './settings';

const settings: ServingSettings = loadConfig({ LOG_LEVEL: 'silent', MAX_BATCH_SIZE: '16' });
const DIGITS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
/** The full model's labels, as the pack's manifest gives them: one per output class. */
const LABELS = packModel('digits-full').labels;
const CLASSES = LABELS.length;
const TIMEOUT_MS = 10_000;

let registry: ModelRegistry;
let oracle: Float32Array[];
beforeAll(async () => {
  registry = new ModelRegistry(settings);
  await registry.loadAll();
  oracle = await runRows(readFileSync('public/models/digits-full/1/model.onnx'), {
    shape: [DIGITS.length, 1, 28, 28],
    data: Float32Array.from(DIGITS.flatMap((d) => drawnPixels(d))),
  });
});
afterAll(() => registry.close());

/** Resolves with the ServiceError code a call fails with (sync or async). */
async function codeOf(call: () => unknown): Promise<ErrorCode | string> {
  try {
    await call();
  } catch (error) {
    return error instanceof ServiceError ? error.code : `not a ServiceError: ${String(error)}`;
  }
  return 'no error';
}

describe('a registry made from plain settings', () => {
  it('loads every model and version of the manifest and is ready', () => {
    expect(registry.ready).toBe(true);
    expect(registry.directory).toBe('public/models');
    expect(registry.names()).toEqual(['digits-full', 'digits-small']);
    expect(registry.versions('digits-full')).toEqual(['1']);
    expect(registry.versions('digits-small')).toEqual(['1']);
    expect(registry.versions('nope')).toEqual([]);
    expect(registry.has('digits-full')).toBe(true);
    expect(
      registry
        .all()
        .map((m) => `${m.entry.name}@${m.entry.version}`)
        .sort(),
    ).toEqual(['digits-full@1', 'digits-small@1']);
  });

  it('describes the model it resolves', () => {
    const model = registry.resolve('digits-full');
    expect(model.entry).toMatchObject({ name: 'digits-full', version: '1' });
    expect(model.input).toMatchObject({ name: 'pixels', shape: [-1, 1, 28, 28] });
    expect(model.output).toMatchObject({ name: 'logits', shape: [-1, CLASSES] });
    expect([model.rowSize, model.classes]).toEqual([784, CLASSES]);
    expect(model.entry.labels).toEqual(LABELS);
    expect(registry.resolve('digits-full', '1')).toBe(model);
  });

  it('infers the drawn digits 0..9 with the logits onnxruntime gives on the model file', async () => {
    const model = registry.resolve('digits-full');
    const input = Float32Array.from(DIGITS.flatMap((d) => drawnPixels(d)));
    const logits = await model.infer(input, DIGITS.length, TIMEOUT_MS);
    expect(logits.length).toBe(DIGITS.length * CLASSES);
    DIGITS.forEach((_, row) => {
      expect(oracle[row]).toHaveLength(CLASSES);
      for (let j = 0; j < CLASSES; j++) expect(logits[row * CLASSES + j]).toBeCloseTo(oracle[row]?.[j] ?? NaN, 4);
    });
    expect(model.stats()).toEqual({ queuedRows: 0, maxBatchSize: 16, maxQueueRows: settings.batching.maxQueueRows, restarts: 0, available: true });
  });

  it('gives each of many concurrent single-row calls its own logits', async () => {
    const model = registry.resolve('digits-full');
    const rows = await Promise.all(DIGITS.map((d) => model.infer(Float32Array.from(drawnPixels(d)), 1, TIMEOUT_MS)));
    rows.forEach((row, i) => {
      expect(row).toHaveLength(CLASSES);
      row.forEach((v, j) => expect(v).toBeCloseTo(oracle[i]?.[j] ?? NaN, 4));
    });
    expect(model.stats().queuedRows).toBe(0);
  });

  it('applies a per-model batching override', async () => {
    const overridden = new ModelRegistry({ ...settings, modelBatching: { 'digits-small': { maxBatchSize: 4 } } });
    await overridden.loadAll();
    expect(overridden.resolve('digits-small').stats().maxBatchSize).toBe(4);
    expect(overridden.resolve('digits-full').stats().maxBatchSize).toBe(16);
    await overridden.close();
  });
});

describe('keyed predictions without HTTP', () => {
  const predictor = new KeyedPredictor({ timeoutMs: TIMEOUT_MS, explain: { concurrency: 1, maxWaiting: 4 } });
  const order = [7, 2, 9, 0, 5, 3, 8, 1, 6, 4];
  const instances = order.map((d) => ({ key: `drawn-${d}`, input: Float32Array.from(drawnPixels(d)) }));

  it('answers one prediction per key, in the order sent, with the oracle’s label and probabilities', async () => {
    const predictions = await predictor.predict(registry.resolve('digits-full'), instances, 'serving_default');
    expect(predictions.map((p) => p.key)).toEqual(order.map((d) => `drawn-${d}`));
    predictions.forEach((p, i) => {
      const digit = order[i] ?? -1;
      const expected = oracle[digit] ?? new Float32Array();
      expect(p.label).toBe(LABELS[argmax(expected)]);
      expect(p.label).toBe(String(digit));
      expect(Object.keys(p).sort()).toEqual(['key', 'label', 'probabilities']);
      const probabilities = softmax(expected);
      expect(p.probabilities).toHaveLength(CLASSES);
      p.probabilities?.forEach((v, j) => expect(v).toBeCloseTo(probabilities[j] ?? NaN, 5));
    });
  });

  it('answers raw logits under the logits signature', async () => {
    const predictions = await predictor.predict(registry.resolve('digits-full'), instances.slice(0, 3), 'logits');
    predictions.forEach((p, i) => {
      expect(Object.keys(p).sort()).toEqual(['key', 'label', 'logits']);
      expect(p.logits).toHaveLength(CLASSES);
      p.logits?.forEach((v, j) => expect(v).toBeCloseTo(oracle[order[i] ?? -1]?.[j] ?? NaN, 4));
    });
  });

  it('explains with an occlusion map', async () => {
    const [prediction] = await predictor.predict(registry.resolve('digits-full'), [{ key: 'seven', input: Float32Array.from(drawnPixels(7)) }], 'explain');
    expect(prediction?.key).toBe('seven');
    expect(prediction?.label).toBe('7');
    const map = prediction?.explanation;
    expect(map).toMatchObject({ method: 'occlusion', patch: 4, rows: 7, cols: 7 });
    expect(map?.drop.length).toBe(7);
    expect(map?.drop.every((row) => row.length === 7 && row.every(Number.isFinite))).toBe(true);
    // Blanking the strokes lowers the probability of "7" somewhere.
    expect(Math.max(...(map?.drop.flat() ?? []))).toBeGreaterThan(0);
    const probabilities = softmax(oracle[7] ?? new Float32Array());
    expect(prediction?.probabilities).toHaveLength(CLASSES);
    prediction?.probabilities?.forEach((v, j) => expect(v).toBeCloseTo(probabilities[j] ?? NaN, 5));
  });
});

describe('errors carry catalog codes', () => {
  it('refuses an unknown model or version', async () => {
    expect(await codeOf(() => registry.resolve('nope'))).toBe('MODEL_NOT_FOUND');
    expect(await codeOf(() => registry.resolve('digits-full', '9'))).toBe('VERSION_NOT_FOUND');
    expect(() => registry.resolve('nope')).toThrow('unknown model "nope"; serving: digits-full, digits-small');
  });

  it('refuses work after close, and is no longer ready', async () => {
    const closing = new ModelRegistry(settings);
    await closing.loadAll();
    const model = closing.resolve('digits-small');
    await closing.close();
    expect(closing.ready).toBe(false);
    expect(await codeOf(() => model.infer(Float32Array.from(drawnPixels(3)), 1, TIMEOUT_MS))).toBe('SHUTTING_DOWN');
  });

  it('fails to load a folder whose manifest is not JSON, or missing', async () => {
    const broken = registryCopy();
    writeFileSync(join(broken, 'manifest.json'), '{"models": [');
    const registryOnBroken = new ModelRegistry({ ...settings, modelRegistry: broken });
    expect(await codeOf(() => registryOnBroken.loadAll())).toBe('MODEL_LOAD_FAILED');
    expect(registryOnBroken.ready).toBe(false);
    expect(registryOnBroken.names()).toEqual([]);
    expect(await codeOf(() => new ModelRegistry({ ...settings, modelRegistry: join(broken, 'nowhere') }).loadAll())).toBe('MODEL_LOAD_FAILED');
  });

  it('fails to load a model file that does not match its manifest entry', async () => {
    const tampered = registryCopy();
    const file = join(tampered, 'digits-small', '1', 'model.onnx');
    const bytes = readFileSync(file);
    bytes.writeUInt8((bytes.at(-1) ?? 0) ^ 0xff, bytes.length - 1);
    writeFileSync(file, bytes);
    const registryOnTampered = new ModelRegistry({ ...settings, modelRegistry: tampered });
    await expect(registryOnTampered.loadAll()).rejects.toThrow(/digits-small v1: sha256 of .* the manifest says/);
    expect(await codeOf(() => new ModelRegistry({ ...settings, modelRegistry: tampered }).load('digits-small'))).toBe('MODEL_LOAD_FAILED');
  });
});

describe('the import graph of server/serving', () => {
  const root = resolve('.');
  const SPECIFIER =
    /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|new URL\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url\s*\)/g;

  /** Resolves a relative specifier as tsx would: as written, or with .ts, or as a folder's index. */
  function resolveFile(from: string, specifier: string): string {
    const base = resolve(dirname(from), specifier);
    const found = [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')].find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
    if (found) return found;
    throw new Error(`${relative(root, from)}: cannot resolve "${specifier}"`);
  }

  /** Every file reachable from the entries through relative imports, and every package specifier they name. */
  function walk(entries: string[]): { files: Set<string>; packages: Map<string, string> } {
    const files = new Set<string>();
    const packages = new Map<string, string>();
    const queue = [...entries];
    for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
      if (files.has(file)) continue;
      files.add(file);
      const source = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|(^|[^:])\/\/.*$/gm, '$1');
      for (const match of source.matchAll(SPECIFIER)) {
        const specifier = match[1] ?? match[2] ?? match[3] ?? match[4] ?? '';
        if (specifier.startsWith('.')) queue.push(resolveFile(file, specifier));
        else packages.set(specifier, relative(root, file));
      }
    }
    return { files, packages };
  }

  it('reaches neither Fastify nor the HTTP layer', () => {
    const entries = (readdirSync('server/serving', { recursive: true }) as string[])
      .filter((f) => /\.(ts|mjs)$/.test(f) && !f.endsWith('.test.ts'))
      .map((f) => resolve('server/serving', f));
    expect(entries).toContain(resolve('server/serving/registry.ts'));
    const { files, packages } = walk(entries);
    // The walk follows the model runtime into its worker thread.
    expect([...files].map((f) => relative(root, f))).toEqual(
      expect.arrayContaining(['server/serving/model.ts', 'server/serving/inference/keyed.ts', 'src/core/api/errors.ts']),
    );
    expect([...files].some((f) => relative(root, f).startsWith('tools/onnx/'))).toBe(true);

    const web = [...packages].filter(([name]) => name === 'fastify' || name.startsWith('fastify-') || name.startsWith('@fastify/'));
    expect(web).toEqual([]);
    const httpLayer = [...files]
      .map((f) => relative(root, f))
      .filter((f) => f.startsWith('server/http/') || f.startsWith('server/routes/') || ['server/app.ts', 'server/context.ts', 'server/main.ts'].includes(f));
    expect(httpLayer).toEqual([]);
  });

  it('would notice an import of Fastify', () => {
    // The walk's pattern reads the import forms the code uses.
    const forms = [
      "import Fastify from 'fastify';",
      "import type { FastifyInstance } from 'fastify';",
      "export { x } from '@fastify/static';",
      "const m = await import('fastify');",
      "import 'fastify-plugin';",
    ];
    for (const form of forms) expect([...form.matchAll(SPECIFIER)].map((m) => m[1] ?? m[2] ?? m[3] ?? m[4])).toHaveLength(1);
  });
});
