/** Operations of the API as the document writes them, shared by the document's and the contract's coverage tests. */

/** Continued evaluation: the app's settings, feedback, edge logs, monitoring, alerts and the audit log. Their answers parse with their wire schemas in app-config.test.ts, evaluation.test.ts and alerts.test.ts. */
export const EVALUATION_OPERATIONS = [
  'GET /v1/app-config',
  'POST /v1/feedback',
  'POST /v1/logs/predictions',
  'GET /v1/monitoring/models/{model}/windows',
  'GET /v1/monitoring/models/{model}/confusion',
  'GET /v1/monitoring/cascade',
  'POST /v1/monitoring/flush',
  'GET /v1/monitoring/alerts',
  'POST /v1/monitoring/evaluate',
  'GET /v1/monitoring/audit',
] as const;

/** Deployments, promotion and rollback: their answers parse with their wire schemas in server/routes/deployments.test.ts and promotion.test.ts. */
export const DEPLOYMENT_OPERATIONS = [
  'GET /v1/models/{model}/deployment',
  'PUT /v1/models/{model}/deployment',
  'POST /v1/models/{model}/promote',
  'POST /v1/models/{model}/rollback',
] as const;

/** Retraining: their answers parse with their wire schemas in server/routes/retrain.test.ts. */
export const RETRAIN_OPERATIONS = ['POST /v1/models/{model}/retrain', 'GET /v1/models/{model}/retrain'] as const;

/** Batch jobs: their answers parse with their wire schemas in server/routes/batch-jobs.test.ts. */
export const BATCH_OPERATIONS = [
  'POST /v1/batch-jobs',
  'GET /v1/batch-jobs',
  'GET /v1/batch-jobs/{id}',
  'DELETE /v1/batch-jobs/{id}',
  'GET /v1/batch-jobs/{id}/predictions',
  'GET /v1/batch-jobs/{id}/errors',
] as const;

/** Operations whose success is not JSON: their media type. */
export const TEXT_OPERATIONS: Readonly<Record<string, string>> = {
  'GET /metrics': 'text/plain',
  'GET /v1/batch-jobs/{id}/predictions': 'application/x-ndjson',
  'GET /v1/batch-jobs/{id}/errors': 'application/x-ndjson',
};

/** Operations whose success is not 200. */
export const SUCCESS_STATUS: Readonly<Record<string, string>> = { 'POST /v1/batch-jobs': '202', 'POST /v1/models/{model}/retrain': '202' };
