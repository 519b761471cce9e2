/**
 * Wire shapes of retraining through the server: `POST /v1/models/{m}/retrain`
 * starts one (admin), `GET /v1/models/{m}/retrain` lists the runs of this
 * server with each step's wall time and, once judged, the champion/challenger
 * gate's decision with its figures. The audit log keeps the same story for
 * good; these runs are what the process in charge saw.
 */
import { z } from 'zod';

/**
 * What the server tells RETRAIN_COMMAND, in its environment: the model and the version to start from, the audit id of the run, and
 * the folder where the server wrote the export (split.json and the samples; see server/evaluation/retrain/export.ts). The command
 * writes the next version into MODEL_REPOSITORY and, for the gate, `heldout.samples.json` (the model's
 * original held-out split, labelled) into the export's folder.
 */
export const RETRAIN_ENV = {
  model: 'RETRAIN_MODEL',
  /** The champion: the version to start from (not merely the newest, which may be a rejected challenger). */
  fromVersion: 'RETRAIN_FROM_VERSION',
  auditId: 'RETRAIN_AUDIT_ID',
  export: 'RETRAIN_EXPORT',
} as const;

/** The file of the original held-out split the command leaves in the export's folder for the gate. */
export const HELDOUT_SAMPLES = 'heldout.samples.json';

export const RETRAIN_STATES = ['running', 'promoted', 'rejected', 'failed'] as const;
export type RetrainState = (typeof RETRAIN_STATES)[number];

/** The steps of a run, in order; a run that fails stops at its step. */
export const RETRAIN_STEPS = ['export', 'train', 'load', 'shadow', 'gate', 'decision'] as const;
export type RetrainStep = (typeof RETRAIN_STEPS)[number];

/** Runs kept per model (the newest); older ones are in the audit log. */
export const MAX_RETRAIN_RUNS = 20;

export const RetrainStepRecord = z
  .object({
    step: z.enum(RETRAIN_STEPS),
    ok: z.boolean(),
    seconds: z.number().describe('Wall time of the step.'),
    message: z.string().describe('What the step did, or why it failed.'),
  })
  .meta({ id: 'RetrainStep' });
export type RetrainStepRecord = z.infer<typeof RetrainStepRecord>;

const SetFigures = z.object({ count: z.number().int(), champion_accuracy: z.number(), challenger_accuracy: z.number() });

export const GateDecisionShape = z
  .object({
    promote: z.boolean(),
    reasons: z.array(z.string()).describe('Each condition with its figures, met or not.'),
    fresh: SetFigures.extend({
      b: z.number().int().describe('Fresh inputs only the champion got right.'),
      c: z.number().int().describe('Fresh inputs only the challenger got right.'),
      p_value: z.number().describe("McNemar's exact two-sided p-value on b and c."),
    }),
    heldout: SetFigures.extend({ loss: z.number().describe("The champion's accuracy minus the challenger's on the original held-out split.") }),
    settings: z.object({ margin: z.number(), maxHeldoutLoss: z.number(), alpha: z.number() }),
  })
  .meta({ id: 'GateDecision' });

export const RetrainRun = z
  .object({
    id: z.string().describe('The id of its retrain_started entry in the audit log.'),
    model: z.string(),
    trigger: z.string().describe('admin, or rule:<name> for a rule whose action is retrain.'),
    state: z.enum(RETRAIN_STATES),
    started: z.string(),
    finished: z.string().nullable(),
    champion: z.string().describe('The champion when the run started: the version it was judged against.'),
    version: z.string().nullable().describe('The version the run wrote (the challenger), once written.'),
    steps: z.array(RetrainStepRecord),
    decision: GateDecisionShape.optional(),
    message: z.string().optional().describe('Why the run failed.'),
  })
  .meta({ id: 'RetrainRun' });
export type RetrainRun = z.infer<typeof RetrainRun>;

export const RetrainRuns = z.object({ model: z.string(), runs: z.array(RetrainRun).describe('Newest first.') }).meta({ id: 'RetrainRuns' });
export type RetrainRuns = z.infer<typeof RetrainRuns>;
