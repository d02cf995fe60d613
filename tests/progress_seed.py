"""Graded interviews for the progress tests, made through the service as a candidate's
answers would be: stored, graded by the scripted fake model, finished."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from interviewer.service import Interviews
from interviewer.storage import LOCAL_OWNER
from tests.fakes import FakeModel


async def _one_question(service: Interviews, fake: FakeModel, question_id: str, answer: str,
                        scores: dict[str, int], owner: str) -> str:
    iid = service.create(service.plan("single", question_id=question_id), "fake", owner)
    await service.advance(iid)
    fake.scores.clear()
    fake.enqueue(scores)
    service.submit(iid, answer)
    await service.advance(iid, ask=False)  # graded; finishing asks nothing more
    await service.finish(iid)
    return iid


def answer_one(service: Interviews, fake: FakeModel, question_id: str, answer: str,
               scores: dict[str, int] | None = None, owner: str = LOCAL_OWNER) -> str:
    """A finished one-question interview graded with `scores` (others at the fake's
    default); its id."""
    # in a thread of its own: a browser test's driver may already run an event loop here
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, _one_question(service, fake, question_id, answer,
                                                      scores or {}, owner)).result()


def criteria_of(service: Interviews, question_id: str) -> list[str]:
    q = service.library.question(question_id)
    return [c.id for c in service.library.rubric_for(q).criteria]


def backdate(service: Interviews, interview_id: str, days: float) -> None:
    """Move an interview and its turns `days` into the past, as if practised then."""
    from datetime import UTC, datetime, timedelta

    then = datetime.now(UTC) - timedelta(days=days)
    service.store.db.execute("UPDATE interviews SET created_at = ? WHERE id = ?",
                             (then.isoformat(timespec="microseconds"), interview_id))
    service.store.db.execute("UPDATE turns SET created_at = ? WHERE interview_id = ?",
                             (then.isoformat(timespec="seconds"), interview_id))
