"""Interviews, turns and grades. Every answer is written here before anything else happens
to it, on SQLite or PostgreSQL alike."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from interviewer.engine import Plan, State, Turn
from interviewer.scoring import AnswerGrade, Usage
from interviewer.storage.backends import Database, Row, SQLiteDatabase, Tx, open_database
from interviewer.storage.errors import Conflict, Duplicate, NotFound
from interviewer.storage.migrate import migrate
from interviewer.storage.offload import Offload
from interviewer.storage.shared import Idempotency, Leases, RateLog, TokenSpend
from interviewer.storage.shares import ShareLinks

LOCAL_OWNER = "local"  # the CLI's interviews, and the browser's on a loopback-only server
HISTORY_PAGE = 20
_BATCH = 500  # ids per IN (...) list: well under SQLite's limit on bound parameters
# PostgreSQL reads an interview, its turns and its grades in one statement (one snapshot, so
# no transaction is needed); the turns and grades come back as JSON arrays of row objects.
_PG_LOAD = (
    "SELECT i.*,"
    " COALESCE((SELECT json_agg(t ORDER BY t.seq) FROM turns t"
    " WHERE t.interview_id = i.id), '[]') AS turn_rows,"
    " COALESCE((SELECT json_agg(g) FROM grades g"
    " WHERE g.interview_id = i.id), '[]') AS grade_rows"
    " FROM interviews i WHERE i.id = ?")
# the same, with the interview's token spend: read with the record when a request holds it
_PG_LOAD_SPEND = _PG_LOAD.replace(
    " FROM interviews i", ", (SELECT tokens FROM token_spend s WHERE s.interview_id = i.id)"
    " AS spent FROM interviews i")

_SAVE_GRADE = ("INSERT INTO grades (interview_id, question_id, grade, updated_at)"
               " VALUES (?, ?, ?, ?) ON CONFLICT (interview_id, question_id)"
               " DO UPDATE SET grade = excluded.grade, updated_at = excluded.updated_at")
_SET_USAGE = "UPDATE turns SET usage = ? WHERE interview_id = ? AND seq = ?"


@dataclass(frozen=True)
class StoredTurn:
    seq: int
    turn: Turn
    created_at: str
    usage: Usage | None = None  # model tokens and cost: asking this turn, or grading an answer
    seen_at: str | None = None  # an interviewer turn: when the candidate first saw it


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


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _precise_now() -> str:
    """An interview's creation time to the microsecond: History and the keyset cursor order
    by it, so interviews made in the same second keep the order they were made in."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def new_id() -> str:
    """A random, unguessable interview id (160 bits)."""
    return secrets.token_urlsafe(20)


def _owned(owner: str | None) -> tuple[str, tuple[str, ...]]:
    """The SQL that limits a query to one owner's interviews; nothing when owner is None
    (the service's own reads, after the route has checked the caller's owner)."""
    return ("", ()) if owner is None else (" AND owner = ?", (owner,))


class Store:
    """Interviews, turns and grades, plus the state every process must share (leases,
    idempotency keys, rate limits, token spend), in one database."""

    def __init__(self, target: Path | str, db: Database | None = None):
        self.db = db or open_database(target)
        migrate(self.db.dialect, self.db.migration_url, getattr(self.db, "url", ""))
        # async code awaits `run(store_method, ...)`: the call runs in one of these threads,
        # never on the event loop, its statements on one connection (`Database.trip`)
        self.run = Offload(self.db.threads, around=self.db.trip)
        self.leases = Leases(self.db, run=self.run)
        self.idempotency = Idempotency(self.db)
        self.rate_log = RateLog(self.db)
        self.token_spend = TokenSpend(self.db, run=self.run)
        self.shares = ShareLinks(self.db)

    @property
    def dialect(self) -> str:
        return self.db.dialect

    def close(self) -> None:
        self.run.close()
        self.db.close()

    def backup(self, target: Path) -> None:
        """A consistent copy of a SQLite database (PostgreSQL: use pg_dump)."""
        if not isinstance(self.db, SQLiteDatabase):
            raise NotImplementedError("back up PostgreSQL with pg_dump")
        self.db.backup(target)

    def create(self, plan: Plan, model: str, owner: str = LOCAL_OWNER,
               interview_id: str | None = None) -> str:
        """A new interview; the web routes always name the caller's owner. LOCAL_OWNER, the
        CLI's, fails closed when accounts are on: no browser or token is ever given it."""
        interview_id = interview_id or new_id()
        self.db.execute(
            "INSERT INTO interviews (id, created_at, mode, area, topic, model, question_ids,"
            " level, owner) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (interview_id, _precise_now(), plan.mode, plan.area, plan.topic, model,
             json.dumps(list(plan.question_ids)), plan.level, owner))
        return interview_id

    def add_turn(self, interview_id: str, seq: int, turn: Turn, usage: Usage | None = None
                 ) -> StoredTurn:
        """Insert a turn at a given position, and return it as stored; raises Duplicate if
        that position is taken. Token spend queued for the interview is written first."""
        self.token_spend.flush(interview_id)
        stored = StoredTurn(seq, turn, now(), usage)
        self.db.execute(
            "INSERT INTO turns (interview_id, seq, role, kind, question_id, text, criterion,"
            " created_at, usage) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (interview_id, seq, turn.role, turn.kind, turn.question_id, turn.text,
             turn.criterion, stored.created_at, usage.model_dump_json() if usage else None))
        return stored

    def mark_seen(self, interview_id: str, seq: int, at: str | None = None) -> None:
        """Record that the candidate now sees the turn at `seq`, unless they saw it before:
        the answer's time counts from the first sight, on whichever device."""
        self.db.execute("UPDATE turns SET seen_at = ? WHERE interview_id = ? AND seq = ?"
                        " AND seen_at IS NULL", (at or now(), interview_id, seq))

    def set_usage(self, interview_id: str, seq: int, usage: Usage) -> None:
        """Record what a turn cost; for an answer, what grading it cost."""
        self.db.execute("UPDATE turns SET usage = ? WHERE interview_id = ? AND seq = ?",
                        (usage.model_dump_json(), interview_id, seq))

    def add_answer(self, interview_id: str, seq: int, turn: Turn) -> bool:
        """Store an answer at `seq`; False if that exact answer is already there (a retry)."""
        try:
            self.add_turn(interview_id, seq, turn)
            return True
        except Duplicate:
            existing = self.turn_at(interview_id, seq)
            if existing is not None and existing.role == "candidate" and existing.text == turn.text:
                return False
            raise Conflict(f"turn {seq} was already answered") from None

    def turn_at(self, interview_id: str, seq: int) -> Turn | None:
        row = self.db.fetchone("SELECT * FROM turns WHERE interview_id = ? AND seq = ?",
                               (interview_id, seq))
        return None if row is None else _turn(row)

    def save_grade(self, interview_id: str, grade: AnswerGrade, usage_seq: int | None = None
                   ) -> None:
        """Store the grade; with `usage_seq`, also record what grading cost on that turn (the
        answer graded), in the same transaction: one commit per grade, not two. Token spend
        queued for the interview is written first."""
        self.token_spend.flush(interview_id)
        values = (interview_id, grade.question_id, grade.model_dump_json(), now())
        if usage_seq is not None and self.dialect == "postgresql":
            # one statement is one transaction: a round trip, where BEGIN, two statements
            # and COMMIT took four (the CTE's insert runs whether or not it is read)
            self.db.execute(f"WITH g AS ({_SAVE_GRADE} RETURNING 1) {_SET_USAGE}",
                            (*values, grade.usage.model_dump_json(), interview_id, usage_seq))
            return
        with self.db.transaction() as tx:
            tx.execute(_SAVE_GRADE, values)
            if usage_seq is not None:
                tx.execute(_SET_USAGE, (grade.usage.model_dump_json(), interview_id, usage_seq))

    def finish(self, interview_id: str) -> None:
        self.db.execute("UPDATE interviews SET finished = 1 WHERE id = ?", (interview_id,))

    def save_calibration(self, model: str, set_path: str, report_json: str,
                         owner: str = LOCAL_OWNER) -> None:
        self.db.execute("INSERT INTO calibration_reports (created_at, model, set_path, report,"
                        " owner) VALUES (?, ?, ?, ?, ?)",
                        (now(), model, set_path, report_json, owner))

    def latest_calibration(self, owner: str = LOCAL_OWNER) -> tuple[str, str, str] | None:
        """(created_at, set_path, report JSON) of the owner's newest calibration run, if any."""
        row = self.db.fetchone("SELECT created_at, set_path, report FROM calibration_reports"
                               " WHERE owner = ? ORDER BY id DESC LIMIT 1", (owner,))
        return None if row is None else (row["created_at"], row["set_path"], row["report"])

    def load(self, interview_id: str, owner: str | None = None) -> Record:
        """The interview; NotFound if there is none, or none that `owner` may see.

        While `token_spend` holds it (`start`), its spend is read too, in the same round
        trip, and kept for the model's checks."""
        where, extra = _owned(owner)
        spend = self.token_spend.wanted(interview_id)
        if self.dialect == "postgresql":  # one round trip, where three queries took five
            row = self.db.fetchone((_PG_LOAD_SPEND if spend else _PG_LOAD) + where,
                                   (interview_id, *extra))
            if row is None:
                raise NotFound(interview_id)
            if spend:
                self.token_spend.keep(interview_id, row["spent"] or 0)
            return _record(row, row["turn_rows"], row["grade_rows"])
        with self.db.transaction(write=False) as tx:
            row = tx.fetchone(f"SELECT * FROM interviews WHERE id = ?{where}",
                              (interview_id, *extra))
            if row is None:
                raise NotFound(interview_id)
            turns = tx.fetchall("SELECT * FROM turns WHERE interview_id = ? ORDER BY seq",
                                (interview_id,))
            grades = tx.fetchall("SELECT grade FROM grades WHERE interview_id = ?",
                                 (interview_id,))
            if spend:
                spent = tx.fetchone("SELECT tokens FROM token_spend WHERE interview_id = ?",
                                    (interview_id,))
                self.token_spend.keep(interview_id, spent["tokens"] if spent else 0)
        return _record(row, turns, grades)

    def load_many(self, ids: list[str]) -> list[Record]:
        """The interviews with these ids, in that order (any that is gone is left out), in
        three queries however many there are: History and Progress read up to 200 at once."""
        records: list[Record] = []
        for start in range(0, len(ids), _BATCH):
            records += self._load_batch(ids[start:start + _BATCH])
        return records

    def _load_batch(self, ids: list[str]) -> list[Record]:
        marks = ", ".join("?" for _ in ids)
        with self.db.transaction(write=False) as tx:
            rows = tx.fetchall(f"SELECT * FROM interviews WHERE id IN ({marks})", ids)
            turns = tx.fetchall(f"SELECT * FROM turns WHERE interview_id IN ({marks})"
                                " ORDER BY interview_id, seq", ids)
            grades = tx.fetchall("SELECT interview_id, grade FROM grades"
                                 f" WHERE interview_id IN ({marks})", ids)
        turns_of: dict[str, list[Row]] = {}
        for t in turns:
            turns_of.setdefault(t["interview_id"], []).append(t)
        grades_of: dict[str, list[Row]] = {}
        for g in grades:
            grades_of.setdefault(g["interview_id"], []).append(g)
        by_id = {r["id"]: r for r in rows}
        return [_record(by_id[i], turns_of.get(i, []), grades_of.get(i, []))
                for i in ids if i in by_id]

    def list_recent(self, limit: int = 50, owner: str | None = None) -> list[Record]:
        """The newest interviews, of every owner unless one is named (tools and tests; the
        web app lists one owner's page by page with `list_page`)."""
        where, extra = _owned(owner)
        ids = [r["id"] for r in self.db.fetchall(
            f"SELECT id FROM interviews WHERE 1 = 1{where}"
            " ORDER BY created_at DESC, id DESC LIMIT ?", (*extra, limit))]
        return self.load_many(ids)

    def list_page(self, owner: str, after: str | None = None, limit: int = HISTORY_PAGE
                  ) -> tuple[list[Record], str | None]:
        """One page of the owner's interviews, newest first, and the cursor of the next page.

        Keyset pagination on (created_at, id): every page costs one index range scan however
        deep it is, and interviews created meanwhile never shift a page's contents.
        """
        key = _cursor_key(after)
        query, params = "SELECT id FROM interviews WHERE owner = ?", (owner,)
        if key is not None:
            # a row-value comparison seeks straight to the cursor in the owner's index, where
            # `created_at < ? OR (created_at = ? AND id < ?)` would scan every newer row first
            query += " AND (created_at, id) < (?, ?)"
            params += key
        ids = [r["id"] for r in self.db.fetchall(
            query + " ORDER BY created_at DESC, id DESC LIMIT ?", (*params, limit + 1))]
        records = self.load_many(ids[:limit])
        more = len(ids) > limit
        return records, (f"{records[-1].created_at}~{records[-1].id}" if more else None)

    def delete_interview(self, interview_id: str) -> None:
        """Remove an interview with everything stored about it, in one transaction."""
        with self.db.transaction(lock=f"interview:{interview_id}") as tx:
            _delete_interviews(tx, "id = ?", (interview_id,))

    def delete_owned(self, owner: str) -> None:
        """Remove every interview and calibration run the owner has, in one transaction."""
        with self.db.transaction(lock=f"owner:{owner}") as tx:
            _delete_interviews(tx, "owner = ?", (owner,))
            tx.execute("DELETE FROM calibration_reports WHERE owner = ?", (owner,))

    def move_owned(self, from_owner: str, to_owner: str) -> int:
        """Give everything `from_owner` has to `to_owner`; how many interviews moved."""
        with self.db.transaction(lock=f"owner:{from_owner}") as tx:
            moved = tx.execute("UPDATE interviews SET owner = ? WHERE owner = ?",
                               (to_owner, from_owner))
            tx.execute("UPDATE calibration_reports SET owner = ? WHERE owner = ?",
                       (to_owner, from_owner))
        return moved

    def count_owned(self, owner: str) -> int:
        row = self.db.fetchone("SELECT COUNT(*) AS n FROM interviews WHERE owner = ?", (owner,))
        return int(row["n"]) if row else 0

    def graded_counts(self, owner: str, question_ids: list[str]) -> dict[str, int]:
        """How many of the owner's interviews graded each question: more than one means the
        scorecard can offer to compare attempts."""
        if not question_ids:
            return {}
        marks = ", ".join("?" for _ in question_ids)
        rows = self.db.fetchall(
            "SELECT g.question_id AS qid, COUNT(*) AS n FROM grades g JOIN interviews i"
            f" ON i.id = g.interview_id WHERE i.owner = ? AND g.question_id IN ({marks})"
            " GROUP BY g.question_id", (owner, *question_ids))
        return {r["qid"]: int(r["n"]) for r in rows}

    def calibrations(self, owner: str) -> list[tuple[str, str, str]]:
        """Every calibration run of the owner: (created_at, set_path, report JSON)."""
        rows = self.db.fetchall("SELECT created_at, set_path, report FROM calibration_reports"
                                " WHERE owner = ? ORDER BY id", (owner,))
        return [(r["created_at"], r["set_path"], r["report"]) for r in rows]


def _cursor_key(cursor: str | None) -> tuple[str, str] | None:
    """A History cursor `created_at~id`; anything else means the first page."""
    if not cursor or "~" not in cursor:
        return None
    created_at, _, interview_id = cursor.partition("~")
    return created_at, interview_id


def _delete_interviews(tx: Tx, where: str, params: tuple) -> None:
    """Everything keyed by the chosen interviews: recordings (audio and transcripts), grades,
    turns, spend and idempotent replies, then the interviews."""
    ids = f"SELECT id FROM interviews WHERE {where}"
    for table, column in (("recordings", "interview_id"), ("grades", "interview_id"),
                          ("share_links", "interview_id"),
                          ("turns", "interview_id"), ("token_spend", "interview_id"),
                          ("idempotency_keys", "resource")):
        tx.execute(f"DELETE FROM {table} WHERE {column} IN ({ids})", params)
    tx.execute(f"DELETE FROM interviews WHERE {where}", params)


def _turn(row: Row) -> Turn:
    return Turn(row["role"], row["kind"], row["question_id"], row["text"], row["criterion"])


def _column(row: Row, name: str) -> object:
    return row[name] if name in row.keys() else None  # noqa: SIM118 (sqlite3.Row)


def _record(row: Row, turns: list[Row], grades: list[Row]) -> Record:
    plan = Plan(row["mode"], row["area"], row["topic"], tuple(json.loads(row["question_ids"])),
                str(_column(row, "level") or "senior"))
    parsed = [AnswerGrade.model_validate_json(g["grade"]) for g in grades]
    state = State(plan=plan, turns=[_turn(t) for t in turns],
                  grades={g.question_id: g for g in parsed}, finished=bool(row["finished"]))
    stored = [StoredTurn(t["seq"], _turn(t), t["created_at"],
                         Usage.model_validate_json(t["usage"]) if t["usage"] else None,
                         _column(t, "seen_at"))  # type: ignore[arg-type]
              for t in turns]
    return Record(row["id"], row["created_at"], row["model"], state, stored, row["owner"])
