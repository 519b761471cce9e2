/**
 * Alert rules: their kinds, the JSON file they are written in
 * (MONITORING_RULES) and the defaults used when no file is named. The file is
 * checked once, when the server starts, so a typo stops the start with the
 * field named instead of silently never firing.
 *
 * File: `{"rules": [{"kind": "accuracy_below", "name": "accuracy", "model": "digits-full", "threshold": 0.85}, ...]}`.
 * Every rule has `name` (unique: the cooldown and the audit key on it),
 * `model` (optional: every model of the manifest), `window` ('1m' | '5m' |
 * '1h' | '1d', default '1h'), `min_samples`, `cooldown_s` (default 3600) and
 * `action` (default 'notify'); each kind adds its own threshold, defaulting
 * to the values of DEFAULT_RULES.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ALERT_ACTIONS } from '../../../src/core/api/alerts';
import { WINDOW_NAMES } from '../../../src/core/api/evaluation';
import { ConfigError } from '../../config';

/** An hour between two firings of one rule for one model version, unless the rule says otherwise. */
export const DEFAULT_COOLDOWN_S = 3600;

const common = (minSamples: number) => ({
  name: z.string().min(1).max(128),
  model: z.string().min(1).max(256).optional(),
  window: z.enum(WINDOW_NAMES).default('1h'),
  min_samples: z.number().int().min(1).default(minSamples),
  cooldown_s: z.number().int().min(0).default(DEFAULT_COOLDOWN_S),
  action: z.enum(ALERT_ACTIONS).default('notify'),
});

/** Fires when the Wilson upper bound of the window's accuracy is below `threshold`: the model is worse even allowing for noise. Counts labelled predictions. */
const AccuracyBelow = z.object({ kind: z.literal('accuracy_below'), ...common(100), threshold: z.number().gt(0).max(1).default(0.9) }).strict();
/** Fires when the label-free estimate (CBPE) fell by at least `max_drop` from the reference's. Counts predictions. */
const EstimatedAccuracyDrop = z
  .object({ kind: z.literal('estimated_accuracy_drop'), ...common(200), max_drop: z.number().gt(0).max(1).default(0.05) })
  .strict();
/** Fires when the window's dataset drift verdict is true (at least half of its columns drifted). Counts predictions. */
const DatasetDrift = z.object({ kind: z.literal('dataset_drift'), ...common(200) }).strict();
/** Edge windows only: fires when the gate fires more than `factor` times as often as on the reference. Counts predictions. */
const GateRateAbove = z.object({ kind: z.literal('gate_rate_above'), ...common(200), factor: z.number().gt(0).default(2) }).strict();

/**
 * Models with a reject label only: fires when the share of answers "not a digit" exceeds `factor` times the
 * reference's and at least `min_rate` (a surge of inputs that are not what the model knows). Counts predictions.
 */
const RejectionRateAbove = z
  .object({
    kind: z.literal('rejection_rate_above'),
    ...common(200),
    factor: z.number().gt(0).default(2),
    min_rate: z.number().gt(0).max(1).default(0.05),
  })
  .strict();

export const RuleSchema = z.discriminatedUnion('kind', [AccuracyBelow, EstimatedAccuracyDrop, DatasetDrift, GateRateAbove, RejectionRateAbove]);
export type Rule = z.output<typeof RuleSchema>;
export type RuleKind = Rule['kind'];

export const RulesFileSchema = z
  .object({ rules: z.array(RuleSchema).max(1000) })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.rules.forEach((rule, i) => {
      if (seen.has(rule.name)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'name'], message: `${JSON.stringify(rule.name)} names an earlier rule too` });
      seen.add(rule.name);
    });
  });

/**
 * The rules without a file: accuracy's Wilson upper bound below 0.9 on hourly
 * windows with at least 100 labels; the estimated accuracy 0.05 or more below
 * the reference's, dataset drift, an edge gate rate above twice the
 * reference's, and a rejection rate above twice the reference's and 5%, each
 * on at least 200 predictions; an hour of cooldown each.
 */
export const DEFAULT_RULES: readonly Rule[] = [
  { kind: 'accuracy_below', name: 'accuracy_below', window: '1h', threshold: 0.9, min_samples: 100, cooldown_s: DEFAULT_COOLDOWN_S, action: 'notify' },
  {
    kind: 'estimated_accuracy_drop',
    name: 'estimated_accuracy_drop',
    window: '1h',
    max_drop: 0.05,
    min_samples: 200,
    cooldown_s: DEFAULT_COOLDOWN_S,
    action: 'notify',
  },
  { kind: 'dataset_drift', name: 'dataset_drift', window: '1h', min_samples: 200, cooldown_s: DEFAULT_COOLDOWN_S, action: 'notify' },
  { kind: 'gate_rate_above', name: 'gate_rate_above', window: '1h', factor: 2, min_samples: 200, cooldown_s: DEFAULT_COOLDOWN_S, action: 'notify' },
  {
    kind: 'rejection_rate_above',
    name: 'rejection_rate_above',
    window: '1h',
    factor: 2,
    min_rate: 0.05,
    min_samples: 200,
    cooldown_s: DEFAULT_COOLDOWN_S,
    action: 'notify',
  },
];

/** `rules[0].threshold`, from zod's path. */
const fieldOf = (path: readonly PropertyKey[]) =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('') || '(the file)';

/** Checks a parsed rules document; the error names each bad field. */
export function parseRules(document: unknown, origin = 'rules'): Rule[] {
  const result = RulesFileSchema.safeParse(document);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${fieldOf(issue.path)}: ${issue.message}`);
    throw new ConfigError(`${origin}: ${problems.join('; ')}`);
  }
  return result.data.rules;
}

/** The rules of the file, or DEFAULT_RULES when none is named. */
export async function loadRules(file: string | undefined): Promise<readonly Rule[]> {
  if (file === undefined) return DEFAULT_RULES;
  const origin = `MONITORING_RULES (${file})`;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`${origin}: cannot read the rules file: ${(error as Error).message}`, { cause: error });
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${origin}: not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  return parseRules(document, origin);
}
