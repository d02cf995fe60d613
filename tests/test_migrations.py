"""Today's databases migrate in place; a migrated database is at the newest schema."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from interviewer.engine import Plan, Turn
from interviewer.storage import LOCAL_OWNER, Store
from interviewer.storage.migrate import MIGRATIONS, pending

pytestmark = pytest.mark.both_backends

# The schema exactly as interviewer/storage.py created it before migrations existed.
PRE_MIGRATION_SCHEMA = """
CREATE TABLE IF NOT EXISTS interviews (
    id TEXT PRIMARY KEY, created_at TEXT NOT NULL, mode TEXT NOT NULL, area TEXT, topic TEXT,
    model TEXT NOT NULL, question_ids TEXT NOT NULL, finished INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS turns (
    interview_id TEXT NOT NULL REFERENCES interviews(id), seq INTEGER NOT NULL,
    role TEXT NOT NULL, kind TEXT NOT NULL, question_id TEXT NOT NULL, text TEXT NOT NULL,
    criterion TEXT, created_at TEXT NOT NULL, PRIMARY KEY (interview_id, seq));
CREATE TABLE IF NOT EXISTS calibration_reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL, model TEXT NOT NULL,
    set_path TEXT NOT NULL, report TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS grades (
    interview_id TEXT NOT NULL REFERENCES interviews(id), question_id TEXT NOT NULL,
    grade TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (interview_id, question_id));
ALTER TABLE turns ADD COLUMN usage TEXT;
"""


def _old_database(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(PRE_MIGRATION_SCHEMA)
        db.execute("INSERT INTO interviews VALUES ('old', '2026-01-01T00:00:00+00:00', 'single',"
                   " NULL, NULL, 'offline', ?, 0)", (json.dumps(["q"]),))
        db.execute("INSERT INTO turns VALUES ('old', 0, 'interviewer', 'question', 'q', 'Why?',"
                   " NULL, '2026-01-01T00:00:00+00:00', NULL)")
        db.execute("INSERT INTO turns VALUES ('old', 1, 'candidate', 'answer', 'q', 'Because.',"
                   " NULL, '2026-01-01T00:00:01+00:00', NULL)")
        db.execute("INSERT INTO calibration_reports (created_at, model, set_path, report)"
                   " VALUES ('2026-01-01', 'offline', 'set.jsonl', '{}')")


def test_a_database_from_before_migrations_upgrades_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _old_database(path)
    store = Store(path)
    record = store.load("old")
    assert [t.turn.text for t in record.turns] == ["Why?", "Because."]
    assert store.latest_calibration(LOCAL_OWNER) == ("2026-01-01", "set.jsonl", "{}")
    assert record.owner == LOCAL_OWNER  # made before owners: the CLI's and loopback browser's
    assert pending("sqlite", f"sqlite:///{path}") == []
    # the new tables are there and work on the old file
    assert store.leases.try_acquire("interview:old", "me", 30)
    # new interviews sort after the old one, and a second start changes nothing
    store.create(Plan("single", None, None, ("q",)), "offline", LOCAL_OWNER)
    store.close()
    again = Store(path)
    assert [r.id for r in again.list_page(LOCAL_OWNER)[0]][-1] == "old"
    assert again.load("old").turns[1].turn == Turn("candidate", "answer", "q", "Because.")


def test_every_migration_applies_on_an_empty_database(backend: str) -> None:
    store = Store(backend)
    applied = {row["migration_id"] for row in store.db.fetchall(
        "SELECT migration_id FROM _yoyo_migration")}
    on_disk = {p.stem for p in MIGRATIONS.iterdir() if p.suffix in (".py", ".sql")}
    assert applied == on_disk and len(on_disk) >= 2
    Store(backend)  # a second process starting finds nothing to do


def test_the_migrations_folder_says_how_to_add_one() -> None:
    first_lines = (MIGRATIONS / "README.md").read_text().splitlines()[:2]
    assert "NEW file" in first_lines[0]
