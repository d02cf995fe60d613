"""One graded attempt at one question, as the progress views need it: when it was made, what
it was about, and each criterion's score with the quotes that earned it.

Built from stored interviews and nothing else, so progress is always what was graded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from interviewer.engine import NOT_GRADED
from interviewer.library import Library
from interviewer.storage import Record


@dataclass(frozen=True)
class CriterionScore:
    id: str
    name: str
    score: int
    weight: float
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class Attempt:
    """A graded answer (with its follow-ups) to one question in one interview."""

    interview_id: str
    question_id: str
    question: str
    area: str
    topic: str
    at: datetime
    overall: float
    criteria: tuple[CriterionScore, ...]

    def criterion(self, criterion_id: str) -> CriterionScore | None:
        return next((c for c in self.criteria if c.id == criterion_id), None)


def parse_time(value: str) -> datetime:
    """A stored ISO 8601 time; one without a zone is UTC, as the store writes it."""
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _answered_at(record: Record, question_id: str) -> datetime:
    """When the question was first answered in this interview (else when it began)."""
    for stored in record.turns:
        if stored.turn.question_id == question_id and stored.turn.kind == "answer":
            return parse_time(stored.created_at)
    return parse_time(record.created_at)


def attempts_in(record: Record, library: Library) -> list[Attempt]:
    """The interview's graded attempts, in plan order. A grade the grader failed on is no
    measure of the candidate, and a question gone from the library cannot be practised, so
    neither counts."""
    out: list[Attempt] = []
    for qid in record.state.plan.question_ids:
        grade = record.state.grades.get(qid)
        if grade is None or NOT_GRADED in grade.flags or qid not in library.questions:
            continue
        q = library.question(qid)
        criteria = tuple(CriterionScore(c.id, c.name, c.score, c.weight, tuple(c.evidence))
                         for c in grade.criteria)
        out.append(Attempt(record.id, qid, q.text, q.area, q.topic, _answered_at(record, qid),
                           grade.overall, criteria))
    return out


def all_attempts(records: Iterable[Record], library: Library) -> list[Attempt]:
    """Every graded attempt in the records, oldest first. Answer times are stored to the
    second, so answers in the same second keep the order their interviews were created in
    (stored to the microsecond): the sorts are stable."""
    ordered = sorted(records, key=lambda r: parse_time(r.created_at))
    found = [a for record in ordered for a in attempts_in(record, library)]
    return sorted(found, key=lambda a: a.at)
