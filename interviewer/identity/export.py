"""Everything an owner has, as one JSON document: what a candidate downloads to keep or to
check what the service holds about them."""

from __future__ import annotations

import json
from typing import Any

from interviewer.identity.accounts import Accounts
from interviewer.storage import Record, Store, now

PAGE = 200


def _recordings(store: Store, interview_id: str) -> list[dict[str, Any]]:
    """Spoken answers: what was transcribed and when (audio itself is not exported)."""
    rows = store.db.fetchall(
        "SELECT id, turn, filename, received_at, engine, transcript, seconds, delivery,"
        " answer_seq FROM recordings WHERE interview_id = ? ORDER BY received_at, id",
        (interview_id,))
    return [{**dict(r), "delivery": json.loads(r["delivery"]) if r["delivery"] else None}
            for r in rows]


def _interview(store: Store, record: Record) -> dict[str, Any]:
    plan = record.state.plan
    return {
        "id": record.id, "created_at": record.created_at, "status": record.status,
        "model": record.model, "mode": plan.mode, "area": plan.area, "topic": plan.topic,
        "question_ids": list(plan.question_ids),
        "turns": [{"seq": t.seq, "role": t.turn.role, "kind": t.turn.kind,
                   "question_id": t.turn.question_id, "text": t.turn.text,
                   "criterion": t.turn.criterion, "created_at": t.created_at,
                   "usage": t.usage.model_dump() if t.usage else None} for t in record.turns],
        "grades": [g.model_dump(mode="json") for g in record.state.grades.values()],
        "recordings": _recordings(store, record.id),
    }


def export_owner(store: Store, accounts: Accounts, owner: str) -> dict[str, Any]:
    """The owner's account (never a password hash or token value), every interview with its
    answers and grades, and every calibration run."""
    interviews: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        records, cursor = store.list_page(owner, cursor, PAGE)
        interviews.extend(_interview(store, r) for r in records)
        if cursor is None:
            break
    runs = [{"created_at": created, "set_path": set_path, "report": json.loads(report)}
            for created, set_path, report in store.calibrations(owner)]
    return {"exported_at": now(), "account": accounts.export_account(owner),
            "interviews": interviews, "calibration_runs": runs}
