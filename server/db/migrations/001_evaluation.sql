-- Continued evaluation: the prediction log, ground truth by key, per-minute
-- window profiles kept up to date at ingest, and the audit of alerts.

-- Element-wise sum of two count arrays (a missing side counts as zeros), for profile upserts.
CREATE FUNCTION counts_add(a bigint[], b bigint[]) RETURNS bigint[]
LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(array_agg(coalesce(x, 0) + coalesce(y, 0) ORDER BY i), '{}')
  FROM unnest(coalesce(a, '{}'), coalesce(b, '{}')) WITH ORDINALITY AS t(x, y, i)
$$;

-- One answer of one model version for one key, from one source. Idempotent on its identity.
CREATE TABLE predictions (
  model text NOT NULL,
  version text NOT NULL,
  source text NOT NULL CHECK (source IN ('cloud', 'edge', 'batch', 'shadow')),
  key text NOT NULL,
  signature text NOT NULL,
  time timestamptz NOT NULL,
  label text NOT NULL,
  confidence double precision NOT NULL,
  probabilities real[] NOT NULL,
  -- The model input quantized to uint8 (LOG_INPUTS), e.g. 784 bytes for 28x28.
  input bytea,
  request_id text,
  latency_ms real,
  gate_fired boolean,
  answered_by text,
  logged_at timestamptz NOT NULL DEFAULT now(),
  -- Key first: labels join by key through this index alone.
  PRIMARY KEY (key, model, version, source)
);
CREATE INDEX predictions_by_time ON predictions (model, time);

-- The current ground truth of each key (the latest label received).
CREATE TABLE labels (
  key text PRIMARY KEY,
  label text NOT NULL,
  time timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);

-- Every label ever received, replaced ones included.
CREATE TABLE label_history (
  id bigserial PRIMARY KEY,
  key text NOT NULL,
  label text NOT NULL,
  time timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX label_history_by_key ON label_history (key);

-- Per model version, source and minute: what windows are computed from, so a
-- window never scans raw rows. Histogram layouts come from the model
-- version's reference file (labels, confidence bins, feature bins).
CREATE TABLE window_profiles (
  model text NOT NULL,
  version text NOT NULL,
  source text NOT NULL,
  bucket timestamptz NOT NULL,
  predictions bigint NOT NULL DEFAULT 0,
  labelled bigint NOT NULL DEFAULT 0,
  correct bigint NOT NULL DEFAULT 0,
  confidence_sum double precision NOT NULL DEFAULT 0,
  -- Sum of calibrated confidences: the expected number correct (CBPE).
  expected_correct double precision NOT NULL DEFAULT 0,
  gate_fired bigint NOT NULL DEFAULT 0,
  label_counts bigint[] NOT NULL DEFAULT '{}',
  confidence_hist bigint[] NOT NULL DEFAULT '{}',
  feature_hist bigint[] NOT NULL DEFAULT '{}',
  -- labels x labels, row-major: true label by predicted label, over labelled records.
  confusion bigint[] NOT NULL DEFAULT '{}',
  PRIMARY KEY (model, version, source, bucket)
);

-- Every rule firing, with its evidence and the action taken: the audit trail.
CREATE TABLE alerts (
  id bigserial PRIMARY KEY,
  time timestamptz NOT NULL DEFAULT now(),
  rule text NOT NULL,
  model text NOT NULL,
  version text NOT NULL,
  window_start timestamptz NOT NULL,
  window_end timestamptz NOT NULL,
  value double precision NOT NULL,
  threshold double precision NOT NULL,
  evidence jsonb NOT NULL,
  action text NOT NULL
);
CREATE INDEX alerts_by_time ON alerts (time);
