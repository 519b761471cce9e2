/**
 * A retraining command for tests of the server's retraining runs: instead of
 * training, it installs a given ONNX model as the next version of
 * RETRAIN_MODEL (its manifest entry a copy of RETRAIN_FROM_VERSION's with the
 * new file, hash and size) and leaves the original held-out split in the
 * export's folder, as RETRAIN_COMMAND's contract asks. So a test decides
 * whether the challenger is better or worse with real models, in seconds.
 * Usage: node --import tsx install-version.ts <model.onnx> [held-out rows]
 */
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HELDOUT_SAMPLES, RETRAIN_ENV } from '../../../../src/core/api/retrain';
import { parseManifest, type ModelEntry } from '../../../../src/core/manifest';
import { writeSamples } from '../../../../tools/onnx/samples-file';
import { asSamples, loadPart } from '../../../../training/data/datasets';

const [source, rowsText] = process.argv.slice(2);
const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const model = env(RETRAIN_ENV.model);
const from = env(RETRAIN_ENV.fromVersion);
const work = env(RETRAIN_ENV.export);
const registry = env('MODEL_REPOSITORY');
if (!source) throw new Error('usage: install-version.ts <model.onnx> [held-out rows]');

const path = join(registry, 'manifest.json');
const raw = JSON.parse(await readFile(path, 'utf8')) as { models: ModelEntry[] };
const start = raw.models.find((m) => m.name === model && m.version === from);
if (!start) throw new Error(`no version ${from} of ${model}`);
const version = String(Math.max(...raw.models.filter((m) => m.name === model).map((m) => Number(m.version))) + 1);
const bytes = await readFile(source);
const { reference: _reference, training: _training, ...shared } = start;
const entry: ModelEntry = {
  ...shared,
  version,
  file: `${model}/${version}/model.onnx`,
  sha256: createHash('sha256').update(bytes).digest('hex'),
  bytes: bytes.byteLength,
};
await mkdir(join(registry, model, version), { recursive: true });
await copyFile(source, join(registry, entry.file));
raw.models.push(entry);
parseManifest(raw);
await writeFile(`${path}.tmp`, JSON.stringify(raw, null, 2));
await rename(`${path}.tmp`, path);

const heldout = asSamples(loadPart('heldout'));
const rows = Math.min(Number(rowsText ?? heldout.shape[0]), heldout.shape[0] ?? 0);
const size = heldout.data.length / (heldout.shape[0] ?? 1);
await writeSamples(join(work, HELDOUT_SAMPLES), {
  shape: [rows, ...heldout.shape.slice(1)],
  data: heldout.data.slice(0, rows * size),
  labels: heldout.labels?.slice(0, rows) ?? [],
});
console.log(`installed ${source} as ${model} version ${version}`);
