/**
 * The champion/challenger gate: whether a challenger may replace the
 * champion, from both models' answers to the same inputs. On the fresh test
 * set (labelled data neither was trained on) the challenger must beat the
 * champion by the margin, with McNemar's exact test on the paired answers
 * below alpha; on the original held-out split it may lose at most a little.
 * Every figure behind the decision comes back with it, for the audit log.
 */
import { discordantCounts, mcnemarExact, type PairedPrediction } from '../../../src/core/stats/mcnemar';

/** PROMOTION_MARGIN's default: the challenger must be at least one point better on the fresh set. */
export const DEFAULT_PROMOTION_MARGIN = 0.01;
/** Points the challenger may lose on the original held-out split. */
export const MAX_HELDOUT_LOSS = 0.005;
/** McNemar's exact p-value must be below this. */
export const PROMOTION_ALPHA = 0.05;

export interface GateSettings {
  readonly margin: number;
  readonly maxHeldoutLoss: number;
  readonly alpha: number;
}

export const DEFAULT_GATE_SETTINGS: GateSettings = { margin: DEFAULT_PROMOTION_MARGIN, maxHeldoutLoss: MAX_HELDOUT_LOSS, alpha: PROMOTION_ALPHA };

/** Answers of the champion (`first`) and the challenger (`second`) to one labelled input. */
export type PairedAnswer = PairedPrediction<string>;

export interface SetFigures {
  readonly count: number;
  readonly champion_accuracy: number;
  readonly challenger_accuracy: number;
}

export interface GateDecision {
  readonly promote: boolean;
  /** Why, in words: each condition with its figures, met or not. */
  readonly reasons: readonly string[];
  readonly fresh: SetFigures & { readonly b: number; readonly c: number; readonly p_value: number };
  readonly heldout: SetFigures & { readonly loss: number };
  readonly settings: GateSettings;
}

function figures(pairs: readonly PairedAnswer[], set: string): SetFigures {
  if (pairs.length === 0) throw new Error(`the ${set} set is empty: the gate needs answers of both models to judge`);
  const right = (pick: (p: PairedAnswer) => string) => pairs.filter((p) => pick(p) === p.label).length / pairs.length;
  return { count: pairs.length, champion_accuracy: right((p) => p.first), challenger_accuracy: right((p) => p.second) };
}

const pts = (x: number) => `${(x * 100).toFixed(2)} points`;
const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

export function judgeChallenger(
  fresh: readonly PairedAnswer[],
  heldout: readonly PairedAnswer[],
  settings: GateSettings = DEFAULT_GATE_SETTINGS,
): GateDecision {
  const onFresh = figures(fresh, 'fresh test');
  const onHeldout = figures(heldout, 'held-out');
  const { b, c } = discordantCounts(fresh);
  const { pValue } = mcnemarExact(b, c);
  const gain = onFresh.challenger_accuracy - onFresh.champion_accuracy;
  const loss = onHeldout.champion_accuracy - onHeldout.challenger_accuracy;
  // A hair of slack for floating-point: a gain of exactly the margin passes.
  const better = gain >= settings.margin - 1e-12;
  // Significant, and in the challenger's favour (c: champion wrong, challenger right).
  const significant = pValue < settings.alpha && c > b;
  const kept = loss <= settings.maxHeldoutLoss + 1e-12;
  const reasons = [
    `fresh set: challenger ${pct(onFresh.challenger_accuracy)} against champion ${pct(onFresh.champion_accuracy)}, a gain of ${pts(gain)} (needs ${pts(settings.margin)}): ${better ? 'met' : 'not met'}`,
    `McNemar's exact test on ${onFresh.count} paired answers: ${c} only the challenger got right, ${b} only the champion, p = ${pValue.toPrecision(3)} (needs < ${settings.alpha}, in the challenger's favour): ${significant ? 'met' : 'not met'}`,
    `held-out split: challenger ${pct(onHeldout.challenger_accuracy)} against champion ${pct(onHeldout.champion_accuracy)}, a loss of ${pts(loss)} (at most ${pts(settings.maxHeldoutLoss)}): ${kept ? 'met' : 'not met'}`,
  ];
  return {
    promote: better && significant && kept,
    reasons,
    fresh: { ...onFresh, b, c, p_value: pValue },
    heldout: { ...onHeldout, loss },
    settings,
  };
}
