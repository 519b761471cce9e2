/**
 * npm run quantize -- <in.onnx> <out.onnx> --calibration <samples.json> [--eval <samples.json>] [--full-range]
 *
 * Static int8 quantization to QDQ. Prints size and, when the evaluation
 * samples carry labels (the calibration samples by default), accuracy and
 * label agreement before and after. Weights use seven bits unless
 * --full-range is given (see quantizeWeights for why).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { accuracyOf, agreement, runRows } from '../onnx/evaluate';
import { decodeModel } from '../onnx/onnx-model';
import { QuantizeError } from './operators';
import { quantizeModel } from './quantize';
import { readSamples } from '../onnx/samples-file';

const USAGE = 'usage: npm run quantize -- <in.onnx> <out.onnx> --calibration <samples.json> [--eval <samples.json>] [--full-range]';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { calibration: { type: 'string' }, eval: { type: 'string' }, 'full-range': { type: 'boolean', default: false } },
  });
  const [inputPath, outputPath] = positionals;
  if (!inputPath || !outputPath || !values.calibration) throw new QuantizeError(USAGE);
  const original = await readFile(inputPath);
  const calibration = await readSamples(values.calibration);
  const quantized = await quantizeModel(decodeModel(original), calibration, { reduceRange: !values['full-range'] });
  await writeFile(outputPath, quantized);

  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  console.log(
    `size: ${kb(original.byteLength)} fp32 -> ${kb(quantized.byteLength)} int8 (${(original.byteLength / quantized.byteLength).toFixed(2)}x smaller)`,
  );
  const evaluation = values.eval ? await readSamples(values.eval) : calibration;
  if (evaluation.labels) {
    const before = await runRows(original, evaluation);
    const after = await runRows(quantized, evaluation);
    const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
    console.log(
      `accuracy on ${evaluation.labels.length} samples: ${pct(accuracyOf(before, evaluation.labels))} fp32 -> ${pct(accuracyOf(after, evaluation.labels))} int8`,
    );
    console.log(`label agreement int8 vs fp32: ${pct(agreement(before, after))}`);
  } else {
    console.log('accuracy: not measured (the evaluation samples carry no labels)');
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof QuantizeError ? `quantize: ${error.message}` : error);
  process.exit(1);
});
