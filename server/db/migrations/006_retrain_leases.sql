-- One retraining per model across every server sharing the store: the run in
-- progress holds its model's row, renewing `expires` while it lasts; a row
-- whose time has passed (its server died) may be taken over.
CREATE TABLE retrain_leases (
  model text PRIMARY KEY,
  token text NOT NULL,
  expires timestamptz NOT NULL
);
