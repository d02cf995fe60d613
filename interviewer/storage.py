"""SQLite storage. Every answer is written here before anything else happens to it."""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from interviewer.engine import Plan, State, Turn
from interviewer.scoring import AnswerGrade, Usage

SCHEMA = """
CREATE TABLE IF NOT EXISTS interviews (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    mode TEXT NOT NULL,
    area TEXT,
    topic TEXT,
    model TEXT NOT NULL,
    question_ids TEXT NOT NULL,
    finished INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS turns (
    interview_id TEXT NOT NULL REFERENCES interviews(id),
    seq INTEGER NOT NULL,
    role TEXT NOT NULL,
    kind TEXT NOT NULL,
    question_id TEXT NOT NULL,
    text TEXT NOT NULL,
    criterion TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (interview_id, seq)
);
CREATE TABLE IF NOT EXISTS calibration_reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    model TEXT NOT NULL,
    set_path TEXT NOT NULL,
    report TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS grades (
    interview_id TEXT NOT NULL REFERENCES interviews(id),
    question_id TEXT NOT NULL,
    grade TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (interview_id, question_id)
);
"""


LOCAL_OWNER = "local"  # the CLI's interviews, and the browser's on a loopback-only server
HISTORY_PAGE = 20


class NotFound(KeyError):
    """No interview with that id."""


class Conflict(Exception):
    """The turn was already answered with different text."""


@dataclass(frozen=True)
class StoredTurn:
    seq: int
    turn: Turn
    created_at: str
    usage: Usage | None = None  # model tokens and cost: asking this turn, or grading an answer


@dataclass(frozen=True)
class Record:
    """One interview as stored: its settings, state and timestamps."""

    id: str
    created_at: str
    model: str
    state: State
    turns: list[StoredTurn]
    owner: str = LOCAL_OWNER

    @property
    def status(self) -> str:
        return "completed" if self.state.finished else "in_progress"

    @property
    def usage(self) -> Usage:
        """Everything this interview has spent on the model so far."""
        return sum((t.usage for t in self.turns if t.usage), Usage())


def _add_usage_column(db: sqlite3.Connection) -> None:
    """Databases made before per-turn usage get the column; old turns simply have none."""
    columns = {row["name"] for row in db.execute("PRAGMA table_info(turns)")}
    if "usage" in columns:
        return
    try:
        db.execute("ALTER TABLE turns ADD COLUMN usage TEXT")
    except sqlite3.OperationalError as exc:  # another process added it first
        if "duplicate column" not in str(exc):
            raise


def _add_owner_columns(db: sqlite3.Connection) -> None:
    """Every interview and calibration run has an owner; those made before owners existed
    belong to the local owner, who used them through the CLI or a loopback browser."""
    for table in ("interviews", "calibration_reports"):
        columns = {row["name"] for row in db.execute(f"PRAGMA table_info({table})")}
        if "owner_id" not in columns:
            try:
                db.execute(f"ALTER TABLE {table} ADD COLUMN owner_id TEXT NOT NULL"
                           f" DEFAULT '{LOCAL_OWNER}'")
            except sqlite3.OperationalError as exc:  # another process added it first
                if "duplicate column" not in str(exc):
                    raise
    db.execute("CREATE INDEX IF NOT EXISTS interviews_by_owner"
               " ON interviews (owner_id, created_at, id)")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_id() -> str:
    """A random, unguessable interview id (160 bits)."""
    return secrets.token_urlsafe(20)


class Store:
    """Interviews, turns and grades in one SQLite file."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        if self.path.parent and not self.path.parent.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
        # One connection for the process, kept open: closing the last connection makes
        # SQLite checkpoint the WAL, which cost more than every query of a turn together.
        self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None,
                                   check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            # WAL with NORMAL sync: a committed answer survives a killed process; only a
            # power cut or OS crash could lose the newest commits, and an fsync per write
            # would stall every request behind the disk.
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(SCHEMA)
            _add_usage_column(db)
            _add_owner_columns(db)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """The shared connection, one caller at a time (the CLI and tests use threads)."""
        with self._lock:
            yield self._db

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def create(self, plan: Plan, model: str, owner: str) -> str:
        interview_id = new_id()
        with self._connect() as db:
            db.execute(
                "INSERT INTO interviews (id, created_at, mode, area, topic, model, question_ids,"
                " owner_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (interview_id, now(), plan.mode, plan.area, plan.topic, model,
                 json.dumps(list(plan.question_ids)), owner))
        return interview_id

    def add_turn(self, interview_id: str, seq: int, turn: Turn, usage: Usage | None = None
                 ) -> None:
        """Insert a turn at a given position; raises sqlite3.IntegrityError if it is taken."""
        with self._connect() as db:
            db.execute(
                "INSERT INTO turns (interview_id, seq, role, kind, question_id, text, criterion,"
                " created_at, usage) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (interview_id, seq, turn.role, turn.kind, turn.question_id, turn.text,
                 turn.criterion, now(), usage.model_dump_json() if usage else None))

    def set_usage(self, interview_id: str, seq: int, usage: Usage) -> None:
        """Record what a turn cost; for an answer, what grading it cost."""
        with self._connect() as db:
            db.execute("UPDATE turns SET usage = ? WHERE interview_id = ? AND seq = ?",
                       (usage.model_dump_json(), interview_id, seq))

    def add_answer(self, interview_id: str, seq: int, turn: Turn) -> bool:
        """Store an answer at `seq`; False if that exact answer is already there (a retry)."""
        try:
            self.add_turn(interview_id, seq, turn)
            return True
        except sqlite3.IntegrityError:
            existing = self.turn_at(interview_id, seq)
            if existing is not None and existing.role == "candidate" and existing.text == turn.text:
                return False
            raise Conflict(f"turn {seq} was already answered") from None

    def turn_at(self, interview_id: str, seq: int) -> Turn | None:
        with self._connect() as db:
            row = db.execute("SELECT * FROM turns WHERE interview_id = ? AND seq = ?",
                             (interview_id, seq)).fetchone()
        return None if row is None else _turn(row)

    def save_grade(self, interview_id: str, grade: AnswerGrade) -> None:
        with self._connect() as db:
            db.execute(
                "INSERT INTO grades (interview_id, question_id, grade, updated_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (interview_id, question_id)"
                " DO UPDATE SET grade = excluded.grade, updated_at = excluded.updated_at",
                (interview_id, grade.question_id, grade.model_dump_json(), now()))

    def finish(self, interview_id: str) -> None:
        with self._connect() as db:
            db.execute("UPDATE interviews SET finished = 1 WHERE id = ?", (interview_id,))

    def save_calibration(self, model: str, set_path: str, report_json: str, owner: str
                         ) -> None:
        with self._connect() as db:
            db.execute("INSERT INTO calibration_reports (created_at, model, set_path, report,"
                       " owner_id) VALUES (?, ?, ?, ?, ?)",
                       (now(), model, set_path, report_json, owner))

    def latest_calibration(self, owner: str) -> tuple[str, str, str] | None:
        """(created_at, set_path, report JSON) of the owner's newest calibration run, if any."""
        with self._connect() as db:
            row = db.execute("SELECT created_at, set_path, report FROM calibration_reports"
                             " WHERE owner_id = ? ORDER BY id DESC LIMIT 1", (owner,)).fetchone()
        return None if row is None else (row["created_at"], row["set_path"], row["report"])

    def load(self, interview_id: str) -> Record:
        with self._connect() as db:
            row = db.execute("SELECT * FROM interviews WHERE id = ?", (interview_id,)).fetchone()
            if row is None:
                raise NotFound(interview_id)
            turns = db.execute("SELECT * FROM turns WHERE interview_id = ? ORDER BY seq",
                               (interview_id,)).fetchall()
            grades = db.execute("SELECT grade FROM grades WHERE interview_id = ?",
                                (interview_id,)).fetchall()
        return _record(row, turns, grades)

    def list_page(self, owner: str, after: str | None = None, limit: int = HISTORY_PAGE
                  ) -> tuple[list[Record], str | None]:
        """One page of the owner's interviews, newest first, and the cursor of the next page.

        Keyset pagination on (created_at, id): every page costs one index range scan however
        deep it is, and interviews created meanwhile never shift a page's contents.
        """
        key = _cursor_key(after)
        query = "SELECT id FROM interviews WHERE owner_id = ?"
        params: tuple = (owner,)
        if key is not None:
            query += " AND (created_at < ? OR (created_at = ? AND id < ?))"
            params += (key[0], key[0], key[1])
        with self._connect() as db:
            ids = [r["id"] for r in db.execute(
                query + " ORDER BY created_at DESC, id DESC LIMIT ?", (*params, limit + 1))]
        records = [self.load(i) for i in ids[:limit]]
        more = len(ids) > limit
        return records, (f"{records[-1].created_at}~{records[-1].id}" if more else None)

    def delete_interview(self, interview_id: str) -> None:
        """Remove an interview with its turns and grades, in one transaction."""
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                _delete_interviews(db, "id = ?", (interview_id,))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def delete_owned(self, owner: str) -> None:
        """Remove every interview and calibration run the owner has, in one transaction."""
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                _delete_interviews(db, "owner_id = ?", (owner,))
                db.execute("DELETE FROM calibration_reports WHERE owner_id = ?", (owner,))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def move_owned(self, from_owner: str, to_owner: str) -> int:
        """Give everything `from_owner` has to `to_owner`; how many interviews moved."""
        with self._connect() as db:
            moved = db.execute("UPDATE interviews SET owner_id = ? WHERE owner_id = ?",
                               (to_owner, from_owner)).rowcount
            db.execute("UPDATE calibration_reports SET owner_id = ? WHERE owner_id = ?",
                       (to_owner, from_owner))
        return moved

    def count_owned(self, owner: str) -> int:
        with self._connect() as db:
            return db.execute("SELECT COUNT(*) FROM interviews WHERE owner_id = ?",
                              (owner,)).fetchone()[0]

    def calibrations(self, owner: str) -> list[tuple[str, str, str]]:
        """Every calibration run of the owner: (created_at, set_path, report JSON)."""
        with self._connect() as db:
            rows = db.execute("SELECT created_at, set_path, report FROM calibration_reports"
                              " WHERE owner_id = ? ORDER BY id", (owner,)).fetchall()
        return [(r["created_at"], r["set_path"], r["report"]) for r in rows]


def _cursor_key(cursor: str | None) -> tuple[str, str] | None:
    """A History cursor `created_at~id`; anything else means the first page."""
    if not cursor or "~" not in cursor:
        return None
    created_at, _, interview_id = cursor.partition("~")
    return created_at, interview_id


def _delete_interviews(db: sqlite3.Connection, where: str, params: tuple) -> None:
    ids = f"SELECT id FROM interviews WHERE {where}"
    db.execute(f"DELETE FROM grades WHERE interview_id IN ({ids})", params)
    db.execute(f"DELETE FROM turns WHERE interview_id IN ({ids})", params)
    db.execute(f"DELETE FROM interviews WHERE {where}", params)


def _turn(row: sqlite3.Row) -> Turn:
    return Turn(row["role"], row["kind"], row["question_id"], row["text"], row["criterion"])


def _record(row: sqlite3.Row, turns: list[sqlite3.Row], grades: list[sqlite3.Row]) -> Record:
    plan = Plan(row["mode"], row["area"], row["topic"], tuple(json.loads(row["question_ids"])))
    parsed = [AnswerGrade.model_validate_json(g["grade"]) for g in grades]
    state = State(plan=plan, turns=[_turn(t) for t in turns],
                  grades={g.question_id: g for g in parsed}, finished=bool(row["finished"]))
    stored = [StoredTurn(t["seq"], _turn(t), t["created_at"],
                         Usage.model_validate_json(t["usage"]) if t["usage"] else None)
              for t in turns]
    return Record(row["id"], row["created_at"], row["model"], state, stored, row["owner_id"])
