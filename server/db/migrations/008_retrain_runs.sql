-- Retraining runs as every replica sharing the store reports them: the
-- replica running one writes it here when it starts, after each step and
-- when it ends. A run left 'running' by a server that died is closed by the
-- next run of its model (which holds the model's lease, so none other runs).
CREATE TABLE retrain_runs (
  id text PRIMARY KEY,
  model text NOT NULL,
  started timestamptz NOT NULL,
  run jsonb NOT NULL,
  updated timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX retrain_runs_model_started ON retrain_runs (model, started DESC);
