/**
 * Assembles the model pack: copies the full and the int8 small model into
 * <models-dir>/<name>/<version>/model.onnx, chooses the gate threshold on the
 * validation split, measures both models on the held-out split with
 * onnxruntime-node, and writes a manifest that passes the app's own validation.
 * Usage: tsx training/pack/main.ts <cache-dir> <models-dir>
 */
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseManifest, type Manifest, type ModelEntry } from '../../src/core/manifest';
import { MNIST_COM_ID } from '../../src/core/preprocess';
import { accuracyOf, runRows } from '../../tools/onnx/evaluate';
import { asSamples, loadPart, type LabelledSet } from '../data/datasets';
import { accuracy, chooseThreshold, errorRecallAt, GATE_RULE, pairPredictions } from '../evaluation/cascade';
import { signatureOf } from './onnx-signature';
import { ARTIFACTS_DIR } from './paths';

const LABELS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
const VERSION = process.env['MODEL_VERSION'] ?? '1';

async function entry(
  bytes: Uint8Array,
  base: { name: string; role: ModelEntry['role']; precision: ModelEntry['precision']; parameters: number },
  heldout: LabelledSet,
): Promise<ModelEntry> {
  const { inputs, outputs } = signatureOf(bytes);
  const rows = await runRows(bytes, asSamples(heldout));
  return {
    ...base,
    version: VERSION,
    file: `${base.name}/${VERSION}/model.onnx`,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    bytes: bytes.byteLength,
    inputs,
    outputs: outputs.map((o) => ({ ...o, kind: 'logits' as const })),
    labels: LABELS,
    preprocessing: { id: MNIST_COM_ID },
    metrics: { heldout: { split: 'heldout', count: heldout.labels.length, accuracy: accuracyOf(rows, heldout.labels) } },
  };
}

async function main(): Promise<void> {
  const cacheDir = process.argv[2] ?? 'training/.cache';
  const modelsDir = process.argv[3] ?? 'public/models';
  const meta = JSON.parse(await readFile(join(cacheDir, 'data/meta.json'), 'utf8'));
  const trained = JSON.parse(await readFile(join(cacheDir, 'onnx/train-report.json'), 'utf8'));
  const full = await readFile(join(cacheDir, 'onnx/full.onnx'));
  const small = await readFile(join(cacheDir, 'onnx/small-int8.onnx'));
  const validation = loadPart('validation');
  const heldout = loadPart('heldout');

  const paired = pairPredictions(await runRows(small, asSamples(validation)), await runRows(full, asSamples(validation)), validation.labels);
  const chosen = chooseThreshold(paired);
  const edge = await entry(small, { name: 'digits-small', role: 'edge', precision: 'int8', parameters: trained.small.parameters }, heldout);
  const cloud = await entry(full, { name: 'digits-full', role: 'cloud', precision: 'fp32', parameters: trained.full.parameters }, heldout);
  edge.gate = {
    threshold: chosen.threshold,
    on: 'max_probability',
    chosen: {
      split: 'validation',
      rule: GATE_RULE,
      validation: {
        escalated: chosen.escalated,
        edge_errors_escalated: errorRecallAt(paired, chosen.threshold),
        two_phase_accuracy: chosen.accuracy,
        full_accuracy: accuracy(paired.fullCorrect),
      },
    },
  };

  const manifest: Manifest = parseManifest({
    schema_version: 1,
    task: 'handwritten-digit classification (one 28x28 drawing in, ten class logits out)',
    dataset: {
      source: meta.source,
      split: { ...meta.split, heldoutIndicesSha256: meta.heldoutIndicesSha256, validationIndicesSha256: meta.validationIndicesSha256 },
    },
    models: [edge, cloud],
  });
  for (const [model, bytes] of [
    [edge, small],
    [cloud, full],
  ] as const) {
    const target = join(modelsDir, model.file);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, bytes);
  }
  await writeFile(join(modelsDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);

  await mkdir(ARTIFACTS_DIR, { recursive: true });
  for (const file of ['small-fp32.onnx', 'reference.json', 'train-report.json']) {
    await copyFile(join(cacheDir, 'onnx', file), join(ARTIFACTS_DIR, file));
  }
  console.log(`wrote ${modelsDir}/manifest.json: gate threshold ${chosen.threshold} (validation: ${(chosen.escalated * 100).toFixed(1)}% escalated)`);
}

await main();
