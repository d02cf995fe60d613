"""The engine's planning and turn-taking, over a small library and the fake model."""

from __future__ import annotations

import asyncio

import pytest

from interviewer import conversation, engine
from interviewer.engine import AskFollowUp, AskQuestion, Finish, PlanError, State, Turn
from interviewer.library import Library
from interviewer.scoring import AnswerGrade, CriterionGrade
from tests.fakes import FakeModel


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"mode": "marathon"}, "unknown mode 'marathon'; choose one of: full, area, topic, single"),
    ({"area": "payments"}, "unknown area 'payments'"),
    ({"topic": "pricing"}, "unknown topic 'pricing'"),
    ({"count": 0}, "questions must be between 1 and 8, not 0"),
    ({"count": 9}, "questions must be between 1 and 8, not 9"),
    ({"mode": "area"}, "an area drill needs an area"),
    ({"mode": "topic"}, "a topic drill needs a topic"),
    ({"question_id": "nope"}, "unknown question id 'nope'"),
])
def test_plan_rejects_bad_requests_with_a_clear_message(mini_library: Library, kwargs: dict,
                                                        message: str) -> None:
    with pytest.raises(PlanError) as info:
        engine.plan_interview(mini_library, **kwargs)
    assert message in str(info.value)


def test_full_loop_spreads_questions_over_areas_and_topics(mini_library: Library) -> None:
    plan = engine.plan_interview(mini_library, "full", count=4, seed=7)
    chosen = [mini_library.question(q) for q in plan.question_ids]
    assert len(chosen) == 4
    assert len({q.topic for q in chosen}) == 4
    assert len({q.area for q in chosen}) == 4


@pytest.mark.parametrize(("kwargs", "check"), [
    ({"mode": "area", "area": "data-platforms", "count": 3},
     lambda q: q.area == "data-platforms"),
    ({"mode": "topic", "topic": "versioning", "count": 3}, lambda q: q.topic == "versioning"),
    ({"mode": "topic", "topic": "versioning", "area": "identity-auth"},
     lambda q: q.topic == "versioning" and q.area == "identity-auth"),
])
def test_drills_stay_inside_their_area_or_topic(mini_library: Library, kwargs: dict,
                                                check) -> None:
    plan = engine.plan_interview(mini_library, seed=1, **kwargs)
    assert plan.question_ids
    assert all(check(mini_library.question(q)) for q in plan.question_ids)


def test_a_random_single_question_names_its_area_and_topic(mini_library: Library) -> None:
    plan = engine.plan_interview(mini_library, "single", seed=3)
    q = mini_library.question(plan.question_ids[0])
    assert (plan.area, plan.topic) == (q.area, q.topic)


def test_single_question_by_id(mini_library: Library) -> None:
    plan = engine.plan_interview(mini_library, "single", question_id="q2-1")
    assert plan.question_ids == ("q2-1",)
    assert plan.mode == "single"


def _grade(qid: str, scores: dict[str, int], answers: int = 1) -> AnswerGrade:
    return AnswerGrade(question_id=qid, grader="fake", answers=answers, criteria=[
        CriterionGrade(id=cid, name=cid, score=s, weight=0.5) for cid, s in scores.items()])


def _one_answer(question_ids: tuple[str, ...]) -> State:
    """A loop over `question_ids` whose first question has been asked and answered once."""
    return State(engine.Plan("full", None, None, question_ids),
                 [Turn("interviewer", "question", "q0-0", "Q?"),
                  Turn("candidate", "answer", "q0-0", "A.")])


def test_follow_up_targets_the_weakest_criterion(mini_library: Library) -> None:
    state = _one_answer(("q0-0", "q0-1"))
    state.grades["q0-0"] = _grade("q0-0", {"api-design-depth": 2, "api-design-breadth": 1})
    step = engine.next_step(state, mini_library)
    assert isinstance(step, AskFollowUp)
    assert step.follow_up.criterion == "api-design-breadth"


def test_an_answer_at_the_bar_but_not_strong_moves_on(mini_library: Library) -> None:
    state = _one_answer(("q0-0", "q0-1"))
    state.grades["q0-0"] = _grade("q0-0", {"api-design-depth": 3, "api-design-breadth": 3})
    step = engine.next_step(state, mini_library)
    assert isinstance(step, AskQuestion) and step.question.id == "q0-1"


def test_a_strong_answer_gets_one_depth_probe_then_the_next_question(
        mini_library: Library) -> None:
    state = _one_answer(("q0-0", "q0-1"))
    state.grades["q0-0"] = _grade("q0-0", {"api-design-depth": 4, "api-design-breadth": 4})
    probe = engine.next_step(state, mini_library)
    assert isinstance(probe, AskFollowUp)
    assert probe.follow_up.text in conversation.load_conversation().depth_probes
    state.turns += [engine.interviewer_turn(probe, probe.follow_up.text),
                    Turn("candidate", "answer", "q0-0", "It would change if usage doubled.")]
    step = engine.next_step(state, mini_library)
    assert isinstance(step, AskQuestion)
    assert step.question.id == "q0-1"


def test_at_most_two_follow_ups_and_never_the_same_criterion_twice(
        mini_library: Library) -> None:
    plan = engine.Plan("single", None, None, ("q0-0",))
    turns = [Turn("interviewer", "question", "q0-0", "Q?"),
             Turn("candidate", "answer", "q0-0", "A")]
    state = State(plan, turns)
    state.grades["q0-0"] = _grade("q0-0", {"api-design-depth": 1, "api-design-breadth": 1})
    first = engine.next_step(state, mini_library)
    assert isinstance(first, AskFollowUp)
    turns += [engine.interviewer_turn(first, "F1"), Turn("candidate", "answer", "q0-0", "B")]
    second = engine.next_step(state, mini_library)
    assert isinstance(second, AskFollowUp)
    assert second.follow_up.criterion != first.follow_up.criterion
    turns += [engine.interviewer_turn(second, "F2"), Turn("candidate", "answer", "q0-0", "C")]
    assert isinstance(engine.next_step(state, mini_library), Finish)


def test_grade_covers_every_answer_to_the_question(mini_library: Library) -> None:
    fake = FakeModel()
    plan = engine.Plan("single", None, None, ("q0-0",))
    state = State(plan, [Turn("interviewer", "question", "q0-0", "Q?"),
                         Turn("candidate", "answer", "q0-0", "First answer."),
                         Turn("interviewer", "follow_up", "q0-0", "F?", "api-design-depth"),
                         Turn("candidate", "answer", "q0-0", "Second answer.")])
    grade = asyncio.run(engine.grade_latest(state, mini_library, fake))
    assert grade is not None and grade.answers == 2
    request = fake.grade_requests[0]
    assert [e.answer for e in request.exchanges] == ["First answer.", "Second answer."]
    assert request.answer == "First answer.\n\nSecond answer."
    state.grades["q0-0"] = grade
    assert asyncio.run(engine.grade_latest(state, mini_library, fake)) is None


def test_scorecard_weights_criteria_and_counts_unanswered(mini_library: Library) -> None:
    state = _one_answer(("q0-0", "q0-1"))
    state.grades["q0-0"] = _grade("q0-0", {"api-design-depth": 4, "api-design-breadth": 2})
    card = engine.build_scorecard("x", state, mini_library)
    assert card.overall == 3.0
    assert card.hire_signal == "Hire"
    assert card.unanswered == 1
    assert card.questions[0].answer == "A."
    assert card.questions[0].strong_answer == ["one", "two", "three"]
