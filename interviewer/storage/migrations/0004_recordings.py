"""Spoken answers: the uploaded audio (kept only until it is transcribed, unless the candidate
asks to keep it), its transcript with word timings, and the delivery figures."""

from yoyo import step

__transactional__ = True


def dialect(conn):
    return "sqlite" if type(conn).__module__.startswith("sqlite3") else "postgresql"


def apply(conn):
    blob = "BLOB" if dialect(conn) == "sqlite" else "BYTEA"
    cursor = conn.cursor()
    cursor.execute(f"""CREATE TABLE IF NOT EXISTS recordings (
        id TEXT PRIMARY KEY,
        interview_id TEXT NOT NULL REFERENCES interviews(id),
        turn INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        filename TEXT NOT NULL,
        received_at TEXT NOT NULL,
        audio {blob},
        keep_audio INTEGER NOT NULL DEFAULT 0,
        engine TEXT,
        transcript TEXT,
        words TEXT,
        seconds DOUBLE PRECISION,
        delivery TEXT,
        answer_seq INTEGER,
        UNIQUE (interview_id, turn, sha256))""")
    cursor.execute("CREATE INDEX IF NOT EXISTS recordings_interview"
                   " ON recordings (interview_id, answer_seq)")


def rollback(conn):
    conn.cursor().execute("DROP TABLE IF EXISTS recordings")


steps = [step(apply, rollback)]
