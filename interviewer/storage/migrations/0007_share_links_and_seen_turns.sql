-- Issue 12: a scorecard can be shared read-only through a link that its owner can revoke.
-- Only a SHA-256 digest of the link's token is stored, so a copy of the database opens no
-- scorecard. Each interviewer turn also records when the candidate first saw it, so the
-- time spent on an answer is right on any device and across reloads.

CREATE TABLE IF NOT EXISTS share_links (
    id TEXT PRIMARY KEY,
    interview_id TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS share_links_by_interview ON share_links (interview_id);

ALTER TABLE turns ADD COLUMN seen_at TEXT;
