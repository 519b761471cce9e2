/**
 * The two-phase cascade on labelled data: what the edge answers, what the
 * gate sends to the full model, and the accuracy and rejections that follow
 * for any gate rule; and the search that picks the rule the manifest ships.
 * Labels are class indices; a negative (not a digit) carries the reject index.
 */
import { argmax, softmax } from '../../src/core/math/probabilities';
import { gate, type RejectRule } from '../../src/core/math/gate';

/** Per input, the small model's probabilities, the full model's answer and the truth. */
export interface PairedPredictions {
  readonly edgeProbabilities: readonly Float32Array[];
  readonly fullLabels: readonly number[];
  readonly labels: readonly number[];
}

export function pairPredictions(edgeLogits: readonly Float32Array[], fullLogits: readonly Float32Array[], labels: readonly number[]): PairedPredictions {
  if (edgeLogits.length !== labels.length || fullLogits.length !== labels.length) {
    throw new Error(`${edgeLogits.length} edge and ${fullLogits.length} full outputs for ${labels.length} labels`);
  }
  return { edgeProbabilities: edgeLogits.map((row) => softmax(row)), fullLabels: fullLogits.map((row) => argmax(row)), labels };
}

export interface GateRule {
  readonly threshold: number;
  readonly reject?: RejectRule | undefined;
}

export interface CascadePoint {
  readonly rule: GateRule;
  /** Share of inputs the gate sends to the full model. */
  readonly escalated: number;
  /** Share the cascade answers correctly (for negatives: with the reject label). */
  readonly accuracy: number;
  /** Share the cascade answers with the reject label (none without a reject rule). */
  readonly rejected: number;
  /** Share of the small model's own mistakes that the gate sends to the full model. */
  readonly edgeErrorsEscalated: number;
}

export function cascadeAt(paired: PairedPredictions, rule: GateRule): CascadePoint {
  const rejectIndex = rule.reject?.index ?? -1;
  let escalated = 0;
  let correct = 0;
  let rejected = 0;
  let errors = 0;
  let errorsCaught = 0;
  paired.edgeProbabilities.forEach((probabilities, i) => {
    const truth = paired.labels[i];
    const verdict = gate(probabilities, rule.threshold, rule.reject);
    const answer = verdict.escalate ? paired.fullLabels[i] : verdict.label;
    if (verdict.escalate) escalated++;
    if (answer === truth) correct++;
    if (answer === rejectIndex) rejected++;
    if (argmax(probabilities) !== truth) {
      errors++;
      if (verdict.escalate) errorsCaught++;
    }
  });
  const n = paired.labels.length;
  return { rule, escalated: escalated / n, accuracy: correct / n, rejected: rejected / n, edgeErrorsEscalated: errors === 0 ? 1 : errorsCaught / errors };
}

/** Share of inputs a model answers correctly, from their predicted labels. */
export const accuracyOfLabels = (predicted: readonly number[], labels: readonly number[]) => predicted.filter((p, i) => p === labels[i]).length / labels.length;

export const THRESHOLD_GRID: readonly number[] = [
  ...Array.from({ length: 50 }, (_, i) => Number((0.5 + i * 0.01).toFixed(2))),
  ...Array.from({ length: 10 }, (_, i) => Number((0.99 + i * 0.001).toFixed(3))),
];
/** The thresholds the manifest's curve gives: enough for a slider to say how much goes to the cloud. */
export const CURVE_THRESHOLDS: readonly number[] = [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99, 0.995, 0.999];

export const ESCALATE_AT_GRID: readonly number[] = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5];
export const ANSWER_AT_GRID: readonly number[] = [0.9, 0.95, 0.98, 0.99, 0.995, 0.999];

/** What a rule must keep on the validation digits, fixed before any search. */
export const GATE_GUARDS = {
  /** Share of digits sent to the full model. */
  maxEscalated: 0.1,
  /** Share of the small model's digit mistakes sent to the full model. */
  minEdgeErrorsEscalated: 0.7,
  /** Digits answered "not a digit" by the cascade. */
  maxDigitsRejected: 0.005,
  /** Points the cascade may lose on digits against the full model alone. */
  maxAccuracyGap: 0.002,
} as const;

/** Answering at the edge is taken when it rejects at most this much less of the validation negatives than asking the cloud. */
export const EDGE_ANSWER_TOLERANCE = 0.005;

export const GATE_RULE =
  'searched on the validation split (digits, and negatives of the training kinds): threshold on the top probability over 0.50..0.999, ' +
  `escalate_at over ${ESCALATE_AT_GRID.join(', ')}, answer_at over ${ANSWER_AT_GRID.join(', ')} or never; ` +
  `kept are rules that on the digits escalate at most ${GATE_GUARDS.maxEscalated * 100}%, send at least ${GATE_GUARDS.minEdgeErrorsEscalated * 100}% ` +
  `of the small model's mistakes to the full model, reject at most ${GATE_GUARDS.maxDigitsRejected * 100}% and stay within ` +
  `${GATE_GUARDS.maxAccuracyGap * 100} points of the full model; of those, the one rejecting the most negatives, then escalating the fewest inputs, ` +
  'then the lowest threshold, the highest escalate_at and the highest answer_at';

export interface GateChoice {
  readonly digits: CascadePoint;
  readonly negatives: CascadePoint;
}

function meetsGuards(digits: CascadePoint, fullAccuracy: number): boolean {
  return (
    digits.escalated <= GATE_GUARDS.maxEscalated &&
    digits.edgeErrorsEscalated >= GATE_GUARDS.minEdgeErrorsEscalated &&
    digits.rejected <= GATE_GUARDS.maxDigitsRejected &&
    fullAccuracy - digits.accuracy <= GATE_GUARDS.maxAccuracyGap
  );
}

/** Better first: more negatives rejected, fewer inputs escalated, then the more conservative rule. */
function compareChoices(a: GateChoice, b: GateChoice, digitCount: number, negativeCount: number): number {
  const sent = (c: GateChoice) => c.digits.escalated * digitCount + c.negatives.escalated * negativeCount;
  return (
    b.negatives.rejected - a.negatives.rejected ||
    sent(a) - sent(b) ||
    a.digits.rule.threshold - b.digits.rule.threshold ||
    (b.digits.rule.reject?.escalateAt ?? 0) - (a.digits.rule.reject?.escalateAt ?? 0) ||
    (b.digits.rule.reject?.answerAt ?? 2) - (a.digits.rule.reject?.answerAt ?? 2)
  );
}

/** The best rule for each given answer_at (undefined: never), over the thresholds and escalate_at grid. */
export function bestRule(
  digits: PairedPredictions,
  negatives: PairedPredictions,
  rejectIndex: number,
  answerAts: readonly (number | undefined)[],
): GateChoice | undefined {
  const fullAccuracy = accuracyOfLabels(digits.fullLabels, digits.labels);
  let best: GateChoice | undefined;
  for (const answerAt of answerAts) {
    for (const escalateAt of ESCALATE_AT_GRID) {
      if (answerAt !== undefined && escalateAt > answerAt) continue;
      for (const threshold of THRESHOLD_GRID) {
        const rule: GateRule = { threshold, reject: { index: rejectIndex, escalateAt, answerAt } };
        const onDigits = cascadeAt(digits, rule);
        if (!meetsGuards(onDigits, fullAccuracy)) continue;
        const choice = { digits: onDigits, negatives: cascadeAt(negatives, rule) };
        if (!best || compareChoices(choice, best, digits.labels.length, negatives.labels.length) < 0) best = choice;
      }
    }
  }
  return best;
}

export interface GateDecision {
  readonly chosen: GateChoice;
  /** The best rule with the edge never answering the reject label. */
  readonly ifCloudAnswers: GateChoice;
  readonly edgeAnswers: boolean;
  readonly decision: string;
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

/**
 * The rule for a model with a reject class: the best rule where the edge may
 * answer "not a digit" itself, against the best where only the cloud does. The
 * edge answers when that rejects nearly as many negatives, since each one it
 * answers is a cloud call saved and an answer the user gets offline.
 */
export function chooseGate(digits: PairedPredictions, negatives: PairedPredictions, rejectIndex: number): GateDecision {
  const atEdge = bestRule(digits, negatives, rejectIndex, ANSWER_AT_GRID);
  const inCloud = bestRule(digits, negatives, rejectIndex, [undefined]);
  if (!inCloud) throw new Error('no gate rule meets the guards on the validation digits');
  const edgeAnswers = atEdge !== undefined && atEdge.negatives.rejected >= inCloud.negatives.rejected - EDGE_ANSWER_TOLERANCE;
  const figures = (c: GateChoice) =>
    `rejects ${pct(c.negatives.rejected)} of the validation negatives and sends ${pct(c.negatives.escalated)} of them to the cloud`;
  const decision = atEdge
    ? `the edge answering "not a digit" ${figures(atEdge)}; the cloud alone ${figures(inCloud)}. ` +
      (edgeAnswers
        ? `Within ${EDGE_ANSWER_TOLERANCE * 100} points, so the edge answers: fewer cloud calls, and an answer offline.`
        : `More than ${EDGE_ANSWER_TOLERANCE * 100} points lost, so only the cloud answers it.`)
    : `no rule with the edge answering "not a digit" meets the guards; the cloud alone ${figures(inCloud)}`;
  return { chosen: edgeAnswers && atEdge ? atEdge : inCloud, ifCloudAnswers: inCloud, edgeAnswers, decision };
}
