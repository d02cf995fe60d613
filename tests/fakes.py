"""A scriptable model for tests: queue the scores it should give, read back what it was asked."""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator

from interviewer.models.base import GradeRequest, ModelUnavailable, TurnRequest
from interviewer.scoring import AnswerGrade, CriterionGrade


class FakeModel:
    name = "fake"

    def __init__(self, default_score: int = 3):
        self.default_score = default_score
        self.scores: deque[dict[str, int]] = deque()
        self.failures = 0
        self.turn_requests: list[TurnRequest] = []
        self.grade_requests: list[GradeRequest] = []

    def enqueue(self, *scores: dict[str, int]) -> None:
        """Scores for the next grades, one dict per grade; unnamed criteria get the default."""
        self.scores.extend(scores)

    def fail(self, times: int = 1) -> None:
        """Make the next `times` calls raise ModelUnavailable."""
        self.failures = times

    def _maybe_fail(self) -> None:
        if self.failures:
            self.failures -= 1
            raise ModelUnavailable("fake outage")

    async def phrase(self, request: TurnRequest) -> AsyncIterator[str]:
        self._maybe_fail()
        self.turn_requests.append(request)
        for word in request.seed_text.split(" "):
            yield word + " "

    async def grade(self, request: GradeRequest) -> AnswerGrade:
        self._maybe_fail()
        self.grade_requests.append(request)
        scores = self.scores.popleft() if self.scores else {}
        first = request.answer.strip().split("\n")[0]
        criteria = [CriterionGrade(id=c.id, name=c.name, weight=c.weight,
                                   score=scores.get(c.id, self.default_score),
                                   evidence=[first], feedback="fake feedback", tip=c.tip)
                    for c in request.rubric.criteria]
        return AnswerGrade(question_id=request.question_id, criteria=criteria, grader="fake")
