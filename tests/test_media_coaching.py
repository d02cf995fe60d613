"""Coaching that fits the question's medium (issue 9): a GPU or warehouse queue is never told
to add "429 and Retry-After" or pagination, an HTTP API still is, a batch answer earns credit
in its own medium's words, and a criterion's tip never repeats the feedback beside it."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interviewer.coaching import fix_first
from interviewer.library import Question, default_library
from interviewer.models.base import Exchange, GradeRequest
from interviewer.offline.grader import grade_answer
from interviewer.scoring import AnswerGrade, QuestionCard

LIBRARY = default_library()
GPU = LIBRARY.question("ml-gpu-allocation-between-teams")
HTTP_LIMITS = LIBRARY.question("api-sms-tiered-rate-limits")
HTTP_ONLY = re.compile(r"\b429\b|retry-after|retry after|paginat|status code|page token",
                       re.IGNORECASE)

GPU_ANSWER = """\
Today the first team to submit takes the whole pool for days, so one team has not trained in \
two weeks. I would give each of the three teams a guaranteed share of the 64 GPUs, say 16 \
each, with the remaining 16 as a burst pool any team can borrow while it is idle.
Jobs go through fair-share queues, so a team that has used less than its share recently goes \
first, and a borrowed GPU is taken back when its owner needs it.
Because some jobs run for three days on 32 GPUs, I would require checkpointing so long jobs \
can be paused and resumed rather than killed.
The launch team gets temporary priority for the next month, approved by the head of ML, so \
the rule is visible and not a favour.
I would measure wait time per team and GPU utilisation every week, and use those numbers to \
argue for more GPUs if waits stay long."""

PRE_EMPTION = ("Training jobs wait in a fair-share queue with pre-emption, because otherwise "
               "whoever submits first keeps all 64 GPUs for days and the other teams starve.")
GPU_WITHOUT_MECHANISM = ("Each of the three teams gets 16 GPUs of its own and the other 16 are "
                         "shared, because the team that submits first should not keep the "
                         "whole pool for days. The launch team gets a temporary extra share "
                         "for the next month, approved by the head of ML, and we publish the "
                         "rule so nobody thinks it is a favour. We measure how long each team "
                         "waits every week.")


def _grade(q: Question, answer: str) -> AnswerGrade:
    return grade_answer(GradeRequest.for_question(q, LIBRARY.rubric_for(q),
                                                  [Exchange(prompt=q.text, answer=answer)]))


def _coaching(grade: AnswerGrade) -> str:
    return "\n".join(f"{c.feedback}\n{c.missing}\n{c.tip}" for c in grade.criteria)


@pytest.mark.parametrize("answer", [GPU_ANSWER, GPU_WITHOUT_MECHANISM, "First come first served.",
                                    ""], ids=["decent", "plain", "weak", "empty"])
def test_the_gpu_question_is_never_coached_on_http_mechanisms(answer: str) -> None:
    text = _coaching(_grade(GPU, answer))
    assert not HTTP_ONLY.search(text), HTTP_ONLY.search(text)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from([*GPU.strong_answer, *GPU.strong_hire, PRE_EMPTION,
                                 "Throttled callers get a 429 with Retry-After.",
                                 "We paginate the list of jobs with a page token."]),
                max_size=6),
       st.text(max_size=80))
def test_no_batch_answer_is_coached_on_http_mechanisms(parts: list[str], noise: str) -> None:
    text = _coaching(_grade(GPU, " ".join([*parts, noise])))
    assert not HTTP_ONLY.search(text), HTTP_ONLY.search(text)


def test_an_http_question_is_still_coached_on_429_when_the_answer_lacks_it() -> None:
    answer = ("Free-trial accounts share a small token bucket per account, refilled every "
              "second, while enterprise contracts get their own larger bucket, because the "
              "carrier caps what we can send and one noisy free account must not starve a "
              "paying customer. The numbers come from the 99th percentile of today's usage "
              "per plan, and we run the limits in log-only mode for two weeks first.")
    grade = _grade(HTTP_LIMITS, answer)
    fairness = next(c for c in grade.criteria if c.id == "fairness-and-feedback")
    assert "429 and retry-after" in fairness.missing
    assert "a visible queue position and expected wait" not in _coaching(grade)


def test_a_batch_answer_gets_credit_for_fair_share_with_pre_emption() -> None:
    without = _grade(GPU, GPU_WITHOUT_MECHANISM)
    with_it = _grade(GPU, f"{GPU_WITHOUT_MECHANISM}\n{PRE_EMPTION}")
    name = "fair-share scheduling and pre-emption"
    before, after = (next(c for c in g.criteria if c.id == "limit-design")
                     for g in (without, with_it))
    assert name in before.missing
    assert name not in after.missing
    assert name in after.feedback  # named among what worked


def test_a_batch_answer_that_shows_the_queue_gets_credit_for_it() -> None:
    shows = _grade(GPU, f"{GPU_WITHOUT_MECHANISM}\nEvery scientist sees their position in "
                        "the queue and an estimated start time, so nobody has to ask us.")
    name = "a visible queue position and expected wait"
    before, after = (next(c for c in g.criteria if c.id == "fairness-and-feedback")
                     for g in (_grade(GPU, GPU_WITHOUT_MECHANISM), shows))
    assert name in before.missing
    assert name not in after.missing


def _sentences(text: str) -> set[str]:
    return {s.strip().rstrip(".") for s in re.split(r"(?<=\.)\s+", text) if s.strip()}


@pytest.mark.parametrize("q", [GPU, HTTP_LIMITS, *list(LIBRARY.questions.values())[::9]],
                         ids=lambda q: q.id)
def test_a_tip_never_repeats_the_feedback_beside_it(q: Question) -> None:
    for answer in (" ".join(q.strong_answer[:2]), "\n".join(q.strong_answer), GPU_ANSWER):
        for c in _grade(q, answer).criteria:
            assert not _sentences(c.tip) & _sentences(c.feedback), (c.id, c.tip, c.feedback)
            if "work on:" in c.feedback:
                listed = c.feedback.split("work on: ", 1)[1].split(".")[0]
                assert listed not in c.tip


def test_the_tip_shows_how_the_first_missing_concept_sounds() -> None:
    grade = _grade(GPU, GPU_WITHOUT_MECHANISM)
    for c in grade.criteria:
        if c.missing and c.score < 4:
            first = c.missing.split(", ")[0]
            assert f"on {first}: say something concrete, such as \"" in c.tip, c.tip


def test_fix_these_first_does_not_say_the_feedback_or_the_tip_again() -> None:
    grades = [_grade(GPU, "We give each team some GPUs. Jobs wait in line. We check usage."),
              _grade(HTTP_LIMITS, "We add a limit per account. Callers get an error.")]
    cards = [QuestionCard(question_id=g.question_id, question="Q?", area="ml-ai-platforms",
                          topic="rate-limiting", overall=g.overall, criteria=g.criteria,
                          missed=[], strong_answer=[]) for g in grades]
    items = fix_first(cards, 0)
    assert items
    for item in items:
        name, advice = item.split(": ", 1)
        for g in grades:
            for c in g.criteria:
                if c.name == name:
                    assert advice.rstrip(".") not in c.feedback
                    assert "work on:" not in advice
