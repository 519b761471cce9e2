/**
 * npm run models:reference — the reference statistics of every model in the
 * pack: runs each on the validation split with onnxruntime-node, writes
 * <models-dir>/<name>/<version>/reference.json and records its sha256 in the
 * manifest. Deterministic: a second run writes the same bytes.
 * Usage: tsx training/reference/main.ts [models-dir]
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseManifest, type ReferenceFile } from '../../src/core/manifest';
import { runRows } from '../../tools/onnx/evaluate';
import { asSamples, loadPart } from '../data/datasets';
import { computeReference } from './compute';
import { recordReferences, writeReference } from './write';

async function main(): Promise<void> {
  const modelsDir = process.argv[2] ?? 'public/models';
  const manifest = parseManifest(JSON.parse(await readFile(join(modelsDir, 'manifest.json'), 'utf8')));
  const validation = loadPart('validation');
  const files = new Map<string, ReferenceFile>();
  for (const model of manifest.models) {
    // runRows: the same sessions (onnxruntime's defaults) the manifest's figures were measured with.
    const logits = await runRows(await readFile(join(modelsDir, model.file)), asSamples(validation));
    const reference = computeReference(model, logits, validation);
    const written = await writeReference(modelsDir, reference);
    files.set(written.file, written);
    const gate = reference.gate_rate === null ? '' : `, gate rate ${reference.gate_rate}`;
    console.log(`${written.file}: accuracy ${reference.accuracy}, estimated ${reference.estimated_accuracy}${gate} (${reference.count} validation inputs)`);
  }
  await recordReferences(modelsDir, files);
  console.log(`recorded ${files.size} reference files in ${modelsDir}/manifest.json`);
}

await main();
