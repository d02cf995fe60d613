-- What used to live in each process's memory, so that every process behaves as one:
-- per-interview leases (who is advancing an interview), idempotency keys, the rate-limit
-- log and the per-interview token spend.

CREATE TABLE IF NOT EXISTS leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at DOUBLE PRECISION NOT NULL
);

CREATE TABLE IF NOT EXISTS idempotency_keys (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    holder TEXT,
    expires_at DOUBLE PRECISION NOT NULL,
    resource TEXT,
    status_code INTEGER,
    response TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (scope, key)
);

CREATE TABLE IF NOT EXISTS rate_events (
    client TEXT NOT NULL,
    at DOUBLE PRECISION NOT NULL
);
CREATE INDEX IF NOT EXISTS rate_events_client_at ON rate_events (client, at);

CREATE TABLE IF NOT EXISTS token_spend (
    interview_id TEXT PRIMARY KEY,
    tokens BIGINT NOT NULL
);
