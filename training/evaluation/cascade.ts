/**
 * The two-phase cascade on labelled data: accuracy and escalation at each gate
 * threshold, and the rule that picks the threshold the manifest ships.
 */
import { argmax, softmax } from '../../src/core/math/probabilities';
import { gate } from '../../src/core/math/gate';

/** Per-input outcome of both models, from which any threshold's cascade follows. */
export interface PairedPredictions {
  readonly edgeConfidence: number[];
  readonly edgeCorrect: boolean[];
  readonly fullCorrect: boolean[];
}

export function pairPredictions(edgeLogits: readonly Float32Array[], fullLogits: readonly Float32Array[], labels: readonly number[]): PairedPredictions {
  const paired: PairedPredictions = { edgeConfidence: [], edgeCorrect: [], fullCorrect: [] };
  edgeLogits.forEach((row, i) => {
    const verdict = gate(softmax(row), 1);
    paired.edgeConfidence.push(verdict.confidence);
    paired.edgeCorrect.push(verdict.label === labels[i]);
    paired.fullCorrect.push(argmax(fullLogits[i] ?? []) === labels[i]);
  });
  return paired;
}

export interface CascadePoint {
  readonly threshold: number;
  /** Share of inputs the gate sends to the full model. */
  readonly escalated: number;
  readonly accuracy: number;
}

export function cascadeAt(paired: PairedPredictions, threshold: number): CascadePoint {
  let escalated = 0;
  let correct = 0;
  paired.edgeConfidence.forEach((confidence, i) => {
    const up = confidence < threshold;
    if (up) escalated++;
    if (up ? paired.fullCorrect[i] : paired.edgeCorrect[i]) correct++;
  });
  const n = paired.edgeConfidence.length;
  return { threshold, escalated: escalated / n, accuracy: correct / n };
}

export const accuracy = (flags: readonly boolean[]) => flags.filter(Boolean).length / flags.length;

export const THRESHOLD_GRID: readonly number[] = [
  ...Array.from({ length: 50 }, (_, i) => Number((0.5 + i * 0.01).toFixed(2))),
  ...Array.from({ length: 10 }, (_, i) => Number((0.99 + i * 0.001).toFixed(3))),
];

export const GATE_MAX_ESCALATION = 0.1;
export const GATE_ERROR_RECALL = 0.5;
export const GATE_RULE =
  `on the validation split, the lowest threshold of the grid 0.50..0.999 that sends to the full model at least ${GATE_ERROR_RECALL * 100}% ` +
  `of the inputs the small model gets wrong, escalating at most ${GATE_MAX_ESCALATION * 100}% of all inputs ` +
  '(error recall varies far less with sampling noise than the accuracy difference of two close models)';

/** Share of the small model's mistakes that the gate sends to the full model at this threshold. */
export function errorRecallAt(paired: PairedPredictions, threshold: number): number {
  let errors = 0;
  let caught = 0;
  paired.edgeCorrect.forEach((correct, i) => {
    if (correct) return;
    errors++;
    if ((paired.edgeConfidence[i] ?? 1) < threshold) caught++;
  });
  return errors === 0 ? 1 : caught / errors;
}

export function chooseThreshold(paired: PairedPredictions): CascadePoint {
  const withinBudget = THRESHOLD_GRID.map((t) => cascadeAt(paired, t)).filter((p) => p.escalated <= GATE_MAX_ESCALATION);
  const last = withinBudget.at(-1);
  if (!last) throw new Error(`no threshold escalates at most ${GATE_MAX_ESCALATION * 100}% of the validation inputs`);
  return withinBudget.find((p) => errorRecallAt(paired, p.threshold) >= GATE_ERROR_RECALL) ?? last;
}
