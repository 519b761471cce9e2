-- The deployment of each model: the champion answering requests that name no
-- version, and its challenger, idle, in shadow or answering a share of keys.
-- A model without a row has the default: its newest version, no challenger.
CREATE TABLE deployments (
  model text PRIMARY KEY,
  champion text NOT NULL,
  challenger text,
  mode text NOT NULL CHECK (mode IN ('none', 'shadow', 'ab')),
  challenger_share double precision NOT NULL DEFAULT 0 CHECK (challenger_share >= 0 AND challenger_share <= 1),
  since timestamptz NOT NULL DEFAULT now(),
  CHECK (mode = 'none' OR (challenger IS NOT NULL AND challenger <> champion))
);
