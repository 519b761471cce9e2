-- The audit log: what happened to each model, in order. Alert firings,
-- retraining started and finished, evaluations of a challenger against its
-- champion, promotions and rejections, rollbacks, and changes of deployment,
-- each with its details. Written by the code that makes the change, in the
-- same transaction where there is one; never updated.
CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  time timestamptz NOT NULL DEFAULT now(),
  kind text NOT NULL CHECK (kind IN (
    'alert', 'retrain_started', 'retrain_finished', 'evaluation', 'promoted', 'rejected', 'rollback', 'deployment_changed'
  )),
  model text NOT NULL,
  -- The model version the entry is about; null when there is none yet (a retraining just started).
  version text,
  details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_by_time ON audit_log (time);
CREATE INDEX audit_log_by_model_time ON audit_log (model, time);
