/** What every route needs: settings, the serving core, the metrics, and whether we are stopping. */
import type { ServerConfig } from './config';
import type { Evaluation } from './evaluation/evaluation';
import type { RetrainRunner } from './evaluation/promotion/retrain-runner';
import type { ServerMetrics } from './metrics/metrics';
import type { Deployments } from './serving/deployment/deployments';
import type { ShadowRunner } from './serving/deployment/shadow';
import type { KeyedPredictor } from './serving/inference/keyed';
import type { ModelRegistry } from './serving/registry';

export interface ServerContext {
  readonly config: ServerConfig;
  readonly registry: ModelRegistry;
  readonly predictor: KeyedPredictor;
  readonly metrics: ServerMetrics;
  /** Which version answers requests naming none, and what each model's challenger does. */
  readonly deployments: Deployments;
  readonly shadow: ShadowRunner;
  /** Continued evaluation; undefined when EVALUATION=off. */
  readonly evaluation: Evaluation | undefined;
  /** Retraining and the champion/challenger gate; undefined when EVALUATION=off (it needs the store). */
  readonly retrains: RetrainRunner | undefined;
  shuttingDown: boolean;
}

/** The options every route plugin takes. */
export interface RouteOptions {
  readonly context: ServerContext;
}
