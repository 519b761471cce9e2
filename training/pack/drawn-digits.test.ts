/**
 * Both shipped models read digits drawn on the app's pad at several pen widths,
 * the browser tests' unsure drawing makes the small model's gate fire while
 * the full model reads it confidently, and a drawn letter is "not a digit".
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIGIT_STROKES, GATED_DIGIT, GATED_STROKES, NOT_A_DIGIT_STROKES, PAD_SIZE, rasterizeStrokes } from '../../test/fixtures/digit-strokes';
import { modelForRole, parseManifest, rejectRuleOf } from '../../src/core/manifest';
import { gate } from '../../src/core/math/gate';
import { argmax, softmax } from '../../src/core/math/probabilities';
import { createInkRaster, preprocessMnistCom } from '../../src/core/preprocess';
import { runRows } from '../../tools/onnx/evaluate';
import { drawnPixels } from '../../test/drawn-digits';

const manifest = parseManifest(JSON.parse(readFileSync('public/models/manifest.json', 'utf8')));
const digits = Object.keys(DIGIT_STROKES).map(Number);

/** Every digit drawn with a pen of `width` px on the pad, through the app's preprocessing. */
function drawnBatch(width: number) {
  const data = new Float32Array(digits.length * 784);
  digits.forEach((digit, row) => data.set(drawnPixels(digit, width), row * 784));
  return { shape: [digits.length, 1, 28, 28], data };
}

describe.each(['edge', 'cloud'] as const)('the %s model reads digits drawn on the pad', (role) => {
  const model = modelForRole(manifest, role);
  it.each([10, 18, 30])('with a %i px pen', async (width) => {
    const rows = await runRows(readFileSync(join('public/models', model.file)), drawnBatch(width));
    const labels = rows.map((row) => argmax(softmax(row)));
    expect(labels).toEqual(digits);
  });
});

describe('the gated drawing of the browser tests', () => {
  const input = preprocessMnistCom(createInkRaster(PAD_SIZE, PAD_SIZE, rasterizeStrokes(GATED_STROKES, 18)));
  const probabilities = async (role: 'edge' | 'cloud') =>
    softmax((await runRows(readFileSync(join('public/models', modelForRole(manifest, role).file)), { shape: [1, 1, 28, 28], data: input }))[0] ?? []);

  it('makes the small model unsure enough for its gate to fire', async () => {
    const threshold = modelForRole(manifest, 'edge').gate?.threshold ?? 0;
    const reject = rejectRuleOf(modelForRole(manifest, 'edge'));
    const edge = await probabilities('edge');
    // A clear margin below the threshold, so canvas anti-aliasing in the browser cannot lift it over.
    expect(Math.max(...edge)).toBeLessThan(threshold - 0.1);
    expect(argmax(edge)).not.toBe(GATED_DIGIT);
    // Unsure of the digit, not sure it is none: the edge must not answer "not a digit" itself.
    expect(edge[reject?.index ?? -1]).toBeLessThan((reject?.answerAt ?? 1) / 2);
    expect(gate(edge, threshold, reject).escalate).toBe(true);
  });

  it('is read correctly and confidently by the full model', async () => {
    const cloud = await probabilities('cloud');
    expect(argmax(cloud)).toBe(GATED_DIGIT);
    expect(Math.max(...cloud)).toBeGreaterThan(0.9);
  });
});

describe('a letter drawn on the pad', () => {
  const edgeModel = modelForRole(manifest, 'edge');
  const rejectIndex = edgeModel.labels.indexOf(edgeModel.reject_label ?? '');

  it.each([10, 18, 30])('is "not a digit" to both models, and the edge answers it itself, with a %i px pen', async (width) => {
    const input = { shape: [1, 1, 28, 28], data: preprocessMnistCom(createInkRaster(PAD_SIZE, PAD_SIZE, rasterizeStrokes(NOT_A_DIGIT_STROKES, width))) };
    const [edge, cloud] = await Promise.all(
      (['edge', 'cloud'] as const).map(async (role) =>
        softmax((await runRows(readFileSync(join('public/models', modelForRole(manifest, role).file)), input))[0] ?? []),
      ),
    );
    expect(rejectIndex).toBe(10);
    expect(argmax(cloud ?? [])).toBe(rejectIndex);
    expect(gate(edge ?? [], edgeModel.gate?.threshold ?? 1, rejectRuleOf(edgeModel))).toMatchObject({ label: rejectIndex, escalate: false });
  });
});
