"""The offline model: asks library questions as written and grades with the rubric matcher."""

from __future__ import annotations

from collections.abc import AsyncIterator

from interviewer.models.base import GradeRequest, TurnRequest
from interviewer.offline.pool import GradingPool, shared_pool
from interviewer.scoring import AnswerGrade

_LEAD_INS = (
    "Let me push on that a little.",
    "Thanks, that helps. A follow-up:",
    "Let's go one level deeper.",
    "Building on what you said:",
)


def follow_up_lead_in(request: TurnRequest) -> str:
    """A short, natural lead-in that varies with the follow-up's position, deterministically."""
    return _LEAD_INS[(len(request.exchanges) + request.number) % len(_LEAD_INS)]


class OfflineModel:
    """An `InterviewModel` that needs no network: library wording and rubric-based grading."""

    name = "offline"

    def __init__(self, pool: GradingPool | None = None):
        self._pool = pool

    async def phrase(self, request: TurnRequest) -> AsyncIterator[str]:
        """Yield the interviewer's turn: the question itself, or a lead-in plus the follow-up."""
        if request.kind == "follow_up":
            yield f"{follow_up_lead_in(request)} {request.seed_text}"
        else:
            yield request.seed_text

    async def grade(self, request: GradeRequest) -> AnswerGrade:
        """Grade with the offline rubric matcher, in a worker process off the event loop."""
        return await (self._pool or shared_pool()).grade(request)
