/** Operations of the API as the document writes them, shared by the document's and the contract's coverage tests. */

/** Continued evaluation: feedback, edge logs, monitoring and alerts. Their answers parse with their wire schemas in evaluation.test.ts and alerts.test.ts. */
export const EVALUATION_OPERATIONS = [
  'POST /v1/feedback',
  'POST /v1/logs/predictions',
  'GET /v1/monitoring/models/{model}/windows',
  'GET /v1/monitoring/models/{model}/confusion',
  'GET /v1/monitoring/cascade',
  'POST /v1/monitoring/flush',
  'GET /v1/monitoring/alerts',
  'POST /v1/monitoring/evaluate',
] as const;
