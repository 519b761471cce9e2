/** Settings of retraining through the server (RETRAIN_* and PROMOTION_MARGIN), read by server/config.ts. */

/** The newest share of the labelled feedback kept aside as the fresh test set, by default. */
export const DEFAULT_FRESH_SHARE = 0.3;
/** A retraining refuses to start from fewer labelled inputs than this, by default. */
export const DEFAULT_MIN_LABELS = 50;

/** Run with RETRAIN_ENV in its environment. */
export const DEFAULT_RETRAIN_COMMAND = 'npm run models:retrain';

export interface RetrainSettings {
  /** A shell command that writes the next version of RETRAIN_MODEL into the registry. */
  readonly command: string;
  /** Where each run's folder goes: the export, the command's output, the gate's inputs. */
  readonly dir: string;
  /** The command is stopped after this long and the run fails. */
  readonly timeoutSeconds: number;
  /** The newest share of the labelled feedback kept aside as the fresh test set. */
  readonly freshShare: number;
  /** Fewer labelled inputs than this: the run fails before training. */
  readonly minLabels: number;
  /** Accuracy points (as a fraction) the challenger must gain on the fresh set. */
  readonly margin: number;
}
