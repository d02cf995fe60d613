"""The offline model: asks library questions as written, with the conversation's lead-ins, and
grades with the rubric matcher."""

from __future__ import annotations

from collections.abc import AsyncIterator

from interviewer.models.base import GradeRequest, TurnRequest
from interviewer.offline.pool import GradingPool, shared_pool
from interviewer.scoring import AnswerGrade


class OfflineModel:
    """An `InterviewModel` that needs no network: library wording and rubric-based grading."""

    name = "offline"

    def __init__(self, pool: GradingPool | None = None):
        self._pool = pool

    async def phrase(self, request: TurnRequest) -> AsyncIterator[str]:
        """Yield the interviewer's turn: the lead-in (opening, or an acknowledgement that
        quotes the last answer) and then the library's words."""
        yield f"{request.lead_in} {request.seed_text}".strip()

    async def grade(self, request: GradeRequest) -> AnswerGrade:
        """Grade with the offline rubric matcher, in a worker process off the event loop."""
        return await (self._pool or shared_pool()).grade(request)
