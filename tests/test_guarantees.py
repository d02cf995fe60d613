"""Guarantees a one-line defect once slipped past: id length, a repeat during grading, the
follow-up cap and its weight order on the real library, and how the hire signal rounds."""

from __future__ import annotations

import asyncio
import base64

import pytest
from fastapi.testclient import TestClient

from interviewer import engine
from interviewer.library import Library, Question, default_library
from interviewer.models.base import GradeRequest
from interviewer.scoring import AnswerGrade, CriterionGrade, hire_signal
from interviewer.settings import Settings
from interviewer.storage import new_id
from tests.conftest import make_service
from tests.fakes import FakeModel


def test_interview_ids_carry_160_random_bits(client: TestClient) -> None:
    ids = [new_id() for _ in range(200)]
    ids.append(client.post("/api/interviews", json={"model": "fake"}).json()["id"])
    for iid in ids:
        raw = base64.urlsafe_b64decode(iid + "=" * (-len(iid) % 4))
        assert len(raw) * 8 == 160, iid
    assert len(set(ids)) == len(ids)


class SlowGrader(FakeModel):
    """A model whose grading waits until the test lets it finish."""

    def __init__(self) -> None:
        super().__init__()
        self.grading = asyncio.Event()
        self.release = asyncio.Event()

    async def grade(self, request: GradeRequest) -> AnswerGrade:
        self.grading.set()
        await self.release.wait()
        return await super().grade(request)


def test_a_repeat_sent_while_grading_runs_is_recognised_and_stored_once(
        settings: Settings, mini_library: Library) -> None:
    slow = SlowGrader()
    mini_service = make_service(settings, mini_library, slow)

    async def scenario() -> list[str]:
        iid = mini_service.create(mini_service.plan("single", question_id="q0-0"), "fake")
        await mini_service.advance(iid)
        assert mini_service.submit(iid, "My answer.") is True
        grading = asyncio.create_task(mini_service.advance(iid))
        await slow.grading.wait()  # the first answer is being graded right now
        repeats = [mini_service.submit(iid, "My answer."), mini_service.submit(iid, "My answer.")]
        slow.release.set()
        await grading
        assert repeats == [False, False]
        return [t.turn.role for t in mini_service.store.load(iid).turns]

    roles = asyncio.run(scenario())
    assert roles.count("candidate") == 1


def _all_weak(question: Question, library: Library) -> AnswerGrade:
    criteria = [CriterionGrade(id=c.id, name=c.name, weight=c.weight, score=1)
                for c in library.rubric_for(question).criteria]
    return AnswerGrade(question_id=question.id, criteria=criteria, grader="fake")


def _follow_ups_for_weak_answers(question: Question, library: Library) -> list[str]:
    grade, asked = _all_weak(question, library), []
    while (fu := engine.choose_follow_up(question, grade, asked)) is not None:
        asked.append(fu.criterion)
    return asked


def test_on_the_real_library_two_follow_ups_at_most_heaviest_criterion_first() -> None:
    library = default_library()
    capped = reordered = 0
    for question in library.questions.values():
        weights = {c.id: c.weight for c in library.rubric_for(question).criteria}
        asked = _follow_ups_for_weak_answers(question, library)
        offered = [fu.criterion for fu in question.follow_ups]
        assert len(asked) == min(engine.MAX_FOLLOW_UPS, len(set(offered))), question.id
        heaviest = sorted(offered, key=lambda c: -weights[c])[:len(asked)]
        assert sorted(weights[c] for c in asked) == sorted(weights[c] for c in heaviest)
        assert [weights[c] for c in asked] == sorted((weights[c] for c in asked), reverse=True)
        capped += len(set(offered)) > engine.MAX_FOLLOW_UPS
        reordered += [weights[c] for c in offered] != sorted(
            (weights[c] for c in offered), reverse=True)
    # the library must keep exercising both rules, or this test would prove nothing
    assert capped >= 10 and reordered >= 1


def test_a_whole_interview_asks_two_follow_ups_by_weight(client: TestClient,
                                                         fake_model: FakeModel) -> None:
    library = default_library()
    question = next(q for q in library.questions.values()
                    if len({fu.criterion for fu in q.follow_ups}) == 3
                    and len({c.weight for c in library.rubric_for(q).criteria
                             if c.id in {fu.criterion for fu in q.follow_ups}}) > 1)
    weights = {c.id: c.weight for c in library.rubric_for(question).criteria}
    fake_model.default_score = 1  # every answer is weak on every criterion
    iid = client.post("/api/interviews", json={"model": "fake", "mode": "single",
                                               "question_id": question.id}).json()["id"]
    kinds = []
    for n in range(4):
        step = client.post(f"/api/interviews/{iid}/answers", json={"text": f"Answer {n}."})
        current = step.json()["current"]
        if current is None:
            break
        kinds.append(current["kind"])
    assert kinds == ["follow_up", "follow_up"]
    turns = client.get(f"/api/interviews/{iid}").json()["turns"]
    probed = [weights[t["criterion"]] for t in turns if t["kind"] == "follow_up"]
    assert probed == sorted(probed, reverse=True) and probed[0] == max(
        weights[fu.criterion] for fu in question.follow_ups)


@pytest.mark.parametrize(("overall", "signal"), [
    (1.0, "No hire"), (1.49, "No hire"), (1.5, "Lean no hire"), (2.49, "Lean no hire"),
    (2.5, "Hire"), (2.75, "Hire"), (3.49, "Hire"), (3.5, "Strong hire"), (3.99, "Strong hire"),
    (4.0, "Strong hire"), (0.2, "No hire"), (4.6, "Strong hire"),
])
def test_the_hire_signal_rounds_half_up(overall: float, signal: str) -> None:
    assert hire_signal(overall) == signal
