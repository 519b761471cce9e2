/**
 * One model version's reference statistics from its outputs on the validation
 * split: input features, confidences, predicted and true label counts,
 * accuracy, gate rate, and the isotonic calibration of correctness on top
 * probability with the accuracy it estimates. Pure: the caller runs the model.
 */
import { FEATURE_DESCRIPTIONS, FEATURE_NAMES, handwritingFeatures } from '../../src/core/features/handwriting';
import { ReferenceSchema, rejectRuleOf, type ModelEntry, type Reference } from '../../src/core/manifest';
import { gate } from '../../src/core/math/gate';
import { softmax } from '../../src/core/math/probabilities';
import { fitIsotonic, predictIsotonic, type IsotonicModel } from '../../src/core/stats/isotonic';
import type { LabelledSet } from '../data/datasets';
import { distribution, round6 } from './summary';

/** Height and width of a single-channel image input ([batch, 1, height, width]). */
function imageSize(model: ModelEntry): { height: number; width: number } {
  const shape = model.inputs[0]?.shape ?? [];
  const [, channels, height, width] = shape;
  if (shape.length !== 4 || channels !== 1 || !height || !width || height < 1 || width < 1) {
    throw new Error(`${model.name}: the features need a [batch, 1, height, width] input, not [${shape.join(', ')}]`);
  }
  return { height, width };
}

/** Feature values per input, one list per feature in FEATURE_NAMES order. */
function featureColumns(set: LabelledSet, height: number, width: number): number[][] {
  const columns = FEATURE_NAMES.map((): number[] => []);
  const size = height * width;
  for (let row = 0; row < set.labels.length; row++) {
    handwritingFeatures(set.inputs.subarray(row * size, (row + 1) * size), height, width).forEach((v, i) => columns[i]?.push(v));
  }
  return columns;
}

function countsOf(indices: readonly number[], classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const i of indices) {
    if (!(i >= 0 && i < classes)) throw new Error(`label index ${i} outside 0..${classes - 1}`);
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return counts;
}

/** The calibration as stored: six significant digits, which keeps it non-decreasing. */
function rounded(model: IsotonicModel): IsotonicModel {
  return { x: model.x.map(round6), y: model.y.map(round6) };
}

export function computeReference(model: ModelEntry, logits: readonly Float32Array[], set: LabelledSet): Reference {
  const count = set.labels.length;
  if (logits.length !== count) throw new Error(`${model.name}: ${logits.length} outputs for ${count} inputs`);
  const { height, width } = imageSize(model);
  // The app's own gate decides label and confidence (argmax of the softmax), so
  // the reference sees what users see. Without a gate, threshold 0 never fires.
  const verdicts = logits.map((row) => gate(softmax(row), model.gate?.threshold ?? 0, rejectRuleOf(model)));
  const predicted = verdicts.map((v) => v.label);
  const correct = predicted.map((label, i) => (label === set.labels[i] ? 1 : 0));
  const confidence = distribution(verdicts.map((v) => v.confidence));

  // Fitted on the stored (rounded) confidences, so anyone can refit it from the file.
  const calibration = rounded(fitIsotonic(confidence.values, correct));
  const estimated = confidence.values.reduce((sum, c) => sum + predictIsotonic(calibration, c), 0) / count;

  return ReferenceSchema.parse({
    schema_version: 1,
    model: model.name,
    version: model.version,
    split: 'validation',
    count,
    labels: model.labels,
    features: featureColumns(set, height, width).map((values, i) => {
      const name = FEATURE_NAMES[i] as (typeof FEATURE_NAMES)[number];
      return { name, description: FEATURE_DESCRIPTIONS[name], ...distribution(values) };
    }),
    confidence,
    label_distribution: countsOf(predicted, model.labels.length),
    true_label_distribution: countsOf(set.labels, model.labels.length),
    accuracy: correct.reduce<number>((s, c) => s + c, 0) / count,
    gate_rate: model.gate ? verdicts.filter((v) => v.escalate).length / count : null,
    calibration: { method: 'isotonic', x: calibration.x, y: calibration.y },
    estimated_accuracy: round6(estimated),
  });
}
