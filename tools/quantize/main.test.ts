/**
 * The quantize command writes the int8 model and prints size, accuracy and
 * agreement; it prints its usage when arguments are missing and names an
 * operator it cannot quantize.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { argmax } from '../../src/core/math/probabilities';
import { runRows } from '../onnx/evaluate';
import { encodeSamples } from '../onnx/samples-file';
import { convClassifier, randomSamples, withBatchNorm } from './testing/synthetic-models';

const run = promisify(execFile);
const cli = (args: string[]) => run(process.execPath, ['--import', 'tsx', 'tools/quantize/main.ts', ...args]);

describe('npm run quantize', () => {
  const dir = mkdtempSync(join(tmpdir(), 'quantize-'));
  const model = join(dir, 'in.onnx');
  const samplesPath = join(dir, 'samples.json');

  it('writes the int8 model and prints size, accuracy and agreement', async () => {
    writeFileSync(model, convClassifier());
    const samples = randomSamples([32, 1, 8, 8], 3);
    // Label each sample with the float model's own answer, so fp32 accuracy is 100%.
    const labels = (await runRows(convClassifier(), samples)).map((row) => argmax(row));
    writeFileSync(samplesPath, encodeSamples({ ...samples, labels }));
    const out = join(dir, 'out.onnx');
    const { stdout } = await cli([model, out, '--calibration', samplesPath]);
    expect(stdout).toMatch(/size: [\d.]+ KB fp32 -> [\d.]+ KB int8/);
    expect(stdout).toMatch(/accuracy on 32 samples: 100\.00% fp32 -> \d+\.\d\d% int8/);
    expect(stdout).toMatch(/label agreement int8 vs fp32: \d+\.\d\d%/);
    expect(statSync(out).size).toBeGreaterThan(0);
  });

  it('prints its usage when arguments are missing', async () => {
    await expect(cli([model])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/usage: npm run quantize -- <in.onnx> <out.onnx> --calibration/),
    });
  });

  it('names the operator it cannot quantize', async () => {
    const bad = join(dir, 'bn.onnx');
    writeFileSync(bad, withBatchNorm());
    writeFileSync(samplesPath, encodeSamples(randomSamples([4, 1, 4, 4], 1)));
    await expect(cli([bad, join(dir, 'x.onnx'), '--calibration', samplesPath])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/quantize: cannot quantize operator\(s\) BatchNormalization \(node "bn1"\)/),
    });
  });
});
