/**
 * npm run models:report — the model pack measured afresh on the held-out split
 * with onnxruntime-node: each model's accuracy, the cascade curve (share
 * escalated and two-phase accuracy per threshold, the manifest's marked), the
 * rejections of held-out digits and of negatives of unseen kinds, and the
 * pack's targets.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { modelForRole, parseManifest, rejectRuleOf } from '../../src/core/manifest';
import { accuracyOf, agreement, runRows } from '../../tools/onnx/evaluate';
import { asSamples, loadNegatives, loadPart } from '../data/datasets';
import { cascadeAt, CURVE_THRESHOLDS, pairPredictions, type GateRule } from '../evaluation/cascade';
import { ARTIFACTS_DIR } from '../pack/paths';
import { figuresByKind, printRejections, rejectionFigures } from './negatives';

const MODELS_DIR = process.env['MODELS_DIR'] ?? 'public/models';
const SMALL_FP32 = join(ARTIFACTS_DIR, 'small-fp32.onnx');

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const check = (ok: boolean) => (ok ? 'PASS' : 'FAIL');

async function main(): Promise<void> {
  const manifest = parseManifest(JSON.parse(await readFile(join(MODELS_DIR, 'manifest.json'), 'utf8')));
  const edge = modelForRole(manifest, 'edge');
  const cloud = modelForRole(manifest, 'cloud');
  const heldout = loadPart('heldout');
  const samples = asSamples(heldout);
  const edgeBytes = await readFile(join(MODELS_DIR, edge.file));
  const fullBytes = await readFile(join(MODELS_DIR, cloud.file));
  const fullRows = await runRows(fullBytes, samples);
  const int8Rows = await runRows(edgeBytes, samples);
  const fp32Rows = await runRows(await readFile(SMALL_FP32), samples);
  const fullAcc = accuracyOf(fullRows, heldout.labels);
  const int8Acc = accuracyOf(int8Rows, heldout.labels);
  const fp32Acc = accuracyOf(fp32Rows, heldout.labels);

  console.log(
    `held-out split: ${heldout.labels.length} digits (seed ${manifest.dataset.split.seed}, sha256 ${manifest.dataset.split.heldoutIndicesSha256.slice(0, 12)}...)\n`,
  );
  console.log('model                  precision  parameters      bytes   accuracy');
  const row = (name: string, precision: string, params: number, bytes: number, acc: number) =>
    console.log(`${name.padEnd(22)} ${precision.padEnd(9)} ${String(params).padStart(11)} ${String(bytes).padStart(10)}   ${pct(acc)}`);
  row(`${cloud.name} v${cloud.version}`, 'fp32', cloud.parameters, cloud.bytes, fullAcc);
  row(`${edge.name} (fp32)`, 'fp32', edge.parameters, (await readFile(SMALL_FP32)).byteLength, fp32Acc);
  row(`${edge.name} v${edge.version}`, 'int8', edge.parameters, edge.bytes, int8Acc);
  console.log(`\nint8 vs fp32 small model: ${pct(agreement(int8Rows, fp32Rows))} of held-out labels agree`);

  const threshold = edge.gate?.threshold ?? 1;
  const reject = rejectRuleOf(edge);
  const rule: GateRule = { threshold, reject };
  const paired = pairPredictions(int8Rows, fullRows, heldout.labels);
  const rejectText = reject ? `; reject rule: escalate at p(reject) >= ${reject.escalateAt}, answer "not a digit" at >= ${reject.answerAt ?? 'never'}` : '';
  console.log(`\ncascade on the held-out digits (small int8 at the edge, full model when the gate fires${rejectText})`);
  console.log('  threshold   escalated   two-phase accuracy');
  const points = [...new Set([...CURVE_THRESHOLDS, threshold])].sort((a, b) => a - b);
  for (const t of points) {
    const p = cascadeAt(paired, { threshold: t, reject });
    console.log(`  ${t.toFixed(3).padStart(9)}   ${pct(p.escalated).padStart(9)}   ${pct(p.accuracy).padStart(18)}${t === threshold ? '   <- manifest' : ''}`);
  }

  const atGate = cascadeAt(paired, rule);
  let rejections;
  if (reject) {
    const negatives = loadNegatives('heldout', reject.index);
    const negativeSamples = asSamples(negatives);
    const [smallNeg, fullNeg] = [await runRows(edgeBytes, negativeSamples), await runRows(fullBytes, negativeSamples)];
    rejections = { digits: rejectionFigures(int8Rows, fullRows, rule, reject.index), negatives: rejectionFigures(smallNeg, fullNeg, rule, reject.index) };
    printRejections(rejections.digits, rejections.negatives, figuresByKind(smallNeg, fullNeg, negatives.kinds, rule, reject.index));
  }
  const ratio = edge.parameters / cloud.parameters;
  console.log('\ntargets');
  console.log(`  ${check(fullAcc >= 0.985)} full model accuracy ${pct(fullAcc)} >= 98.50%`);
  console.log(`  ${check(int8Acc >= 0.965)} small int8 accuracy ${pct(int8Acc)} >= 96.50%`);
  console.log(`  ${check(edge.bytes <= 64 * 1024)} small int8 file ${(edge.bytes / 1024).toFixed(1)} KB <= 64 KB`);
  console.log(`  ${check(fp32Acc - int8Acc <= 0.005)} int8 ${((fp32Acc - int8Acc) * 100).toFixed(2)} points below fp32 (<= 0.50)`);
  console.log(`  ${check(ratio <= 0.1)} small model has ${(ratio * 100).toFixed(1)}% of the full model's parameters (<= 10%)`);
  console.log(
    `  ${check(fullAcc - atGate.accuracy <= 0.003)} two-phase accuracy ${pct(atGate.accuracy)} within 0.30 points of the full model (gap ${((fullAcc - atGate.accuracy) * 100).toFixed(2)})`,
  );
  console.log(`  ${check(atGate.escalated <= 0.12)} ${pct(atGate.escalated)} of held-out inputs escalated (<= 12%)`);
  if (rejections) {
    console.log(`  ${check(rejections.digits.cascade <= 0.01)} ${pct(rejections.digits.cascade)} of held-out digits rejected by the cascade (<= 1%)`);
    console.log(
      `  ${check(rejections.negatives.cascade >= 0.9)} ${pct(rejections.negatives.cascade)} of held-out negatives of unseen kinds rejected by the cascade (>= 90%)`,
    );
  } else console.log(`  FAIL ${edge.name} has no reject rule ("not a digit")`);
  const stale = [edge, cloud].filter((m, i) => Math.abs(m.metrics.heldout.accuracy - [int8Acc, fullAcc][i]!) > 1e-9);
  console.log(
    `  ${check(stale.length === 0)} manifest held-out figures match this evaluation${stale.length ? ` (stale: ${stale.map((m) => m.name).join(', ')})` : ''}`,
  );
}

await main();
