/**
 * Assembles the model pack: copies the full and the int8 small model into
 * <models-dir>/<name>/<version>/model.onnx, chooses the gate rule on the
 * validation split (digits and negatives), measures both models on the
 * held-out digits with onnxruntime-node, and writes a manifest that passes the
 * app's own validation.
 * Usage: tsx training/pack/main.ts <cache-dir> <models-dir>
 */
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseManifest, type Manifest, type ModelEntry } from '../../src/core/manifest';
import { MNIST_COM_ID } from '../../src/core/preprocess';
import { accuracyOf, runRows } from '../../tools/onnx/evaluate';
import { asSamples, loadNegatives, loadPart, type LabelledSet } from '../data/datasets';
import { accuracyOfLabels, cascadeAt, chooseGate, CURVE_THRESHOLDS, GATE_RULE, pairPredictions, type GateChoice } from '../evaluation/cascade';
import { signatureOf } from './onnx-signature';
import { ARTIFACTS_DIR } from './paths';

/** The tenth output and beyond: the digits, then the reject class (training/models.py). */
const REJECT_LABEL = 'not-a-digit';
const LABELS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', REJECT_LABEL];
const REJECT_INDEX = LABELS.indexOf(REJECT_LABEL);
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
    reject_label: REJECT_LABEL,
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

  const negatives = loadNegatives('validation', REJECT_INDEX);
  const paired = async (set: LabelledSet) => pairPredictions(await runRows(small, asSamples(set)), await runRows(full, asSamples(set)), set.labels);
  const digits = await paired(validation);
  const choice = chooseGate(digits, await paired(negatives), REJECT_INDEX);
  const { rule } = choice.chosen.digits;
  const negativeFigures = (c: GateChoice) => ({ count: negatives.labels.length, rejected: c.negatives.rejected, escalated: c.negatives.escalated });
  const edge = await entry(small, { name: 'digits-small', role: 'edge', precision: 'int8', parameters: trained.small.parameters }, heldout);
  const cloud = await entry(full, { name: 'digits-full', role: 'cloud', precision: 'fp32', parameters: trained.full.parameters }, heldout);
  edge.gate = {
    threshold: rule.threshold,
    on: 'max_probability',
    reject: {
      on: 'reject_probability',
      escalate_at: rule.reject?.escalateAt ?? 1,
      ...(rule.reject?.answerAt === undefined ? {} : { answer_at: rule.reject.answerAt }),
    },
    chosen: {
      split: 'validation',
      rule: GATE_RULE,
      validation: {
        escalated: choice.chosen.digits.escalated,
        edge_errors_escalated: choice.chosen.digits.edgeErrorsEscalated,
        two_phase_accuracy: choice.chosen.digits.accuracy,
        full_accuracy: accuracyOfLabels(digits.fullLabels, digits.labels),
        digits_rejected: choice.chosen.digits.rejected,
        negatives: negativeFigures(choice.chosen),
      },
      edge_answers: {
        decision: choice.decision,
        if_cloud_answers: {
          threshold: choice.ifCloudAnswers.digits.rule.threshold,
          escalate_at: choice.ifCloudAnswers.digits.rule.reject?.escalateAt ?? 1,
          digits_escalated: choice.ifCloudAnswers.digits.escalated,
          digits_rejected: choice.ifCloudAnswers.digits.rejected,
          negatives: negativeFigures(choice.ifCloudAnswers),
        },
      },
      curve: [...new Set([...CURVE_THRESHOLDS, rule.threshold])]
        .sort((a, b) => a - b)
        .map((threshold) => {
          const point = cascadeAt(digits, { threshold, reject: rule.reject });
          return { threshold, escalated: point.escalated, two_phase_accuracy: point.accuracy };
        }),
    },
  };

  const manifest: Manifest = parseManifest({
    schema_version: 1,
    task: 'handwritten-digit classification with rejection (one 28x28 drawing in, logits for ten digits and "not a digit" out)',
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
  console.log(
    `wrote ${modelsDir}/manifest.json: gate threshold ${rule.threshold}, escalate_at ${rule.reject?.escalateAt}, answer_at ${rule.reject?.answerAt ?? 'never'} ` +
      `(validation: ${(choice.chosen.digits.escalated * 100).toFixed(1)}% of digits escalated)\n${choice.decision}`,
  );
}

await main();
