-- Batch jobs through the API, as every replica sharing the store reports
-- them: the replica that took a job (its owner, at the address the others
-- reach it at) keeps the job's record and output in its BATCH_DIR, and
-- writes the job's status here at every change of state and while it runs.
CREATE TABLE batch_jobs (
  id text PRIMARY KEY,
  owner text NOT NULL,
  created timestamptz NOT NULL,
  status jsonb NOT NULL,
  updated timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX batch_jobs_created ON batch_jobs (created DESC, id DESC);
