-- Idempotency keys expire after a day (INTERVIEWER_IDEMPOTENCY_HOURS): the sweep that
-- deletes them reads the oldest first, which this index makes a short range scan.
CREATE INDEX IF NOT EXISTS idempotency_keys_created_at ON idempotency_keys (created_at);
