-- Issue 10: every interview and calibration run belongs to an owner. Rows made before
-- owners existed belong to the local owner (the CLI, and the browser on a loopback-only
-- server). Accounts, sessions and API tokens store hashes only; failed sign-ins are counted
-- here so that every server process throttles alike.

ALTER TABLE interviews ADD COLUMN owner TEXT NOT NULL DEFAULT 'local';
ALTER TABLE calibration_reports ADD COLUMN owner TEXT NOT NULL DEFAULT 'local';
CREATE INDEX IF NOT EXISTS interviews_by_owner ON interviews (owner, created_at, id);

CREATE TABLE IF NOT EXISTS accounts (
    owner TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS sessions (
    id_hash TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_by_owner ON sessions (owner);

CREATE TABLE IF NOT EXISTS api_tokens (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    last_used_at TEXT
);
CREATE INDEX IF NOT EXISTS api_tokens_by_owner ON api_tokens (owner);

CREATE TABLE IF NOT EXISTS sign_in_failures (
    id TEXT PRIMARY KEY,
    key TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS sign_in_failures_by_key ON sign_in_failures (key, at);
