-- The champion a deployment had before its last change of champion: the
-- version a rollback returns to. NULL when there is none (never changed, or
-- just rolled back). Rows from before this migration have none.
ALTER TABLE deployments ADD COLUMN previous_champion text NULL;
ALTER TABLE deployments ADD CONSTRAINT deployments_previous_champion_differs
  CHECK (previous_champion IS NULL OR previous_champion <> champion);
