import type { ServerConfig } from './config';
import type { ServerMetrics } from './metrics/metrics';
import type { ModelRepository } from './repository/repository';

/** What every route needs: settings, the models, the metrics, and whether we are stopping. */
export interface ServerContext {
  readonly config: ServerConfig;
  readonly repository: ModelRepository;
  readonly metrics: ServerMetrics;
  shuttingDown: boolean;
}
