/** What every route needs: settings, the serving core, the metrics, and whether we are stopping. */
import type { ServerConfig } from './config';
import type { Evaluation } from './evaluation/evaluation';
import type { ServerMetrics } from './metrics/metrics';
import type { KeyedPredictor } from './serving/inference/keyed';
import type { ModelRegistry } from './serving/registry';

export interface ServerContext {
  readonly config: ServerConfig;
  readonly registry: ModelRegistry;
  readonly predictor: KeyedPredictor;
  readonly metrics: ServerMetrics;
  /** Continued evaluation; undefined when EVALUATION=off. */
  readonly evaluation: Evaluation | undefined;
  shuttingDown: boolean;
}

/** The options every route plugin takes. */
export interface RouteOptions {
  readonly context: ServerContext;
}
