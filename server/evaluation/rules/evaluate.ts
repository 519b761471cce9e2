/**
 * Evaluates alert rules over windows of the evaluation store: for each rule,
 * each model it covers, and each version and source with predictions, the
 * latest complete window before `now` (or, to replay a scenario, every
 * complete window of a range). A rule whose condition holds fires unless it
 * fired for the same model version within its cooldown; each firing is
 * written to the audit trail with the window's evidence.
 *
 * Windows are aligned on multiples of their size since the epoch (whole UTC
 * minutes, hours, days), so a live evaluation and a replay judge the same
 * windows. Accuracy is read with no server-wide minimum of labels: the
 * rule's own `min_samples` decides when a window has enough.
 */
import type { AlertRecord } from '../../../src/core/api/alerts';
import type { Evaluation } from '../evaluation';
import { windows, WINDOW_SIZES, type Window } from '../windows/windows';
import { recordFiring } from './alert-store';
import { checkWindow } from './checks';
import type { Rule } from './rules';

/** What rules need of the evaluation. */
export type RulesEvaluation = Pick<Evaluation, 'db' | 'layouts'>;

/** Where one rule stands for one model version after a run: whether its condition held in the latest window looked at. */
export interface RuleState {
  readonly rule: string;
  readonly model: string;
  readonly version: string;
  readonly holds: boolean;
}

export interface RulesRun {
  readonly fired: AlertRecord[];
  readonly states: RuleState[];
}

export interface TimeRange {
  readonly from: Date;
  readonly to: Date;
}

/** The models a rule covers: its own, or every model of the manifest. */
const modelsOf = (evaluation: RulesEvaluation, rule: Rule) =>
  rule.model !== undefined ? [rule.model] : [...new Set(evaluation.layouts.all().map((e) => e.name))];

/** The complete windows to judge: the one that ended last before `at`, or every one inside a range. */
function span(rule: Rule, at: Date | TimeRange): TimeRange | undefined {
  const size = WINDOW_SIZES[rule.window];
  if (at instanceof Date) {
    const end = Math.floor(at.getTime() / size) * size;
    return { from: new Date(end - size), to: new Date(end) };
  }
  const from = Math.ceil(at.from.getTime() / size) * size;
  const to = Math.floor(at.to.getTime() / size) * size;
  return from < to ? { from: new Date(from), to: new Date(to) } : undefined;
}

/** Runs the rules; returns the firings written and where every rule stands. */
export async function runRules(evaluation: RulesEvaluation, rules: readonly Rule[], at: Date | TimeRange): Promise<RulesRun> {
  const fired: AlertRecord[] = [];
  const states = new Map<string, RuleState & { start: string }>();
  // Rules over the same model and window size share one query.
  const queried = new Map<string, Promise<Window[]>>();
  for (const rule of rules) {
    const range = span(rule, at);
    if (!range) continue;
    for (const model of modelsOf(evaluation, rule)) {
      const id = `${model}\n${rule.window}\n${range.from.toISOString()}\n${range.to.toISOString()}`;
      let found = queried.get(id);
      if (!found) {
        found = windows(evaluation.db, { model, ...range, window: rule.window }, evaluation.layouts.of, 1);
        queried.set(id, found);
      }
      // In time order, so a replay's cooldown sees its own earlier firings.
      for (const w of await found) {
        const check = checkWindow(rule, w, evaluation.layouts.of(model, w.version));
        const key = `${rule.name}\n${model}\n${w.version}`;
        const state = states.get(key);
        const holds = check?.holds ?? false;
        if (!state || state.start < w.start) states.set(key, { rule: rule.name, model, version: w.version, holds, start: w.start });
        else if (state.start === w.start && holds) states.set(key, { ...state, holds });
        if (!check?.holds) continue;
        // A live firing is dated now; a replayed one at the end of its window, so the cooldown runs in the scenario's time.
        const time = at instanceof Date ? at : new Date(w.end);
        const { value, threshold, evidence } = check;
        const firing = {
          time,
          rule: rule.name,
          model,
          version: w.version,
          window: { start: w.start, end: w.end },
          value,
          threshold,
          evidence,
          action: rule.action,
        };
        const record = await recordFiring(evaluation.db, firing, rule.cooldown_s);
        if (record) fired.push(record);
      }
    }
  }
  return { fired, states: [...states.values()].map(({ rule, model, version, holds }) => ({ rule, model, version, holds })) };
}

/** The rules against the latest complete window before `now`; returns the firings written. */
export async function evaluateRules(evaluation: RulesEvaluation, rules: readonly Rule[], now: Date): Promise<AlertRecord[]> {
  return (await runRules(evaluation, rules, now)).fired;
}

/** The rules against every complete window of the range, oldest first (replays, backfills); returns the firings written. */
export async function evaluateRulesInRange(evaluation: RulesEvaluation, rules: readonly Rule[], range: TimeRange): Promise<AlertRecord[]> {
  return (await runRules(evaluation, rules, range)).fired;
}
