"""Feedback that coaches: "Missing" never lists what the answer covered, feedback carries no
internal counts or weights, tips follow what was missing, thin answers stay below a hire, and
the grader says when its grade is uncertain."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interviewer.library import Question, default_library
from interviewer.models.base import Exchange, GradeRequest
from interviewer.offline.grader import grade_answer
from interviewer.scoring import AnswerGrade

QUESTIONS = list(default_library().questions.values())


def _grade(q: Question, answer: str) -> AnswerGrade:
    library = default_library()
    return grade_answer(GradeRequest.for_question(q, library.rubric_for(q),
                                                  [Exchange(prompt=q.text, answer=answer)]))


@pytest.mark.parametrize("q", QUESTIONS[::3], ids=lambda q: q.id)
def test_missing_never_lists_an_outline_point_the_answer_made(q: Question) -> None:
    said = q.strong_answer[::2]
    grade = _grade(q, "\n".join(said))
    assert not set(said) & set(grade.missed)
    assert set(grade.missed) <= set(q.strong_answer)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(QUESTIONS), st.sets(st.integers(0, 9), min_size=1, max_size=4))
def test_missing_property_over_any_subset_of_the_outline(q: Question, picks: set[int]) -> None:
    said = [q.strong_answer[i] for i in sorted(picks) if i < len(q.strong_answer)]
    if not said:
        return
    grade = _grade(q, " ".join(said))
    assert not set(said) & set(grade.missed)


@pytest.mark.parametrize("q", QUESTIONS[::5], ids=lambda q: q.id)
def test_feedback_reads_like_a_coach_and_never_contradicts_missing(q: Question) -> None:
    grade = _grade(q, "\n".join(q.strong_answer))
    for c in grade.criteria:
        assert not re.search(r"sentence\(s\)|weight \d|Scored \d|\d+ of those", c.feedback)
        if "What worked: you covered " not in c.feedback:
            continue
        worked = c.feedback.split("What worked: you covered ", 1)[1].split(".")[0]
        praised = {n.removesuffix(", with reasons") for n in worked.split("; ")}
        assert not praised & set(c.missing.split(", ")), c.id


def test_the_tip_follows_what_was_missing() -> None:
    q = next(q for q in QUESTIONS if q.topic == "rate-limiting" and q.kind != "behavioural")
    a = _grade(q, "We limit each tenant with a token bucket sized from the p99 usage we observe "
                  "today, enforced at the gateway, because one tenant must not starve the rest. "
                  "Throttled callers get a 429 with Retry-After so their SDK backs off with "
                  "jitter, and we warn customers at 80 percent of their quota before it bites.")
    b = _grade(q, "Teams told us the warehouse is slow at month end, so we want them to know "
                  "why and when their work will run. We send an email when the queue is long and "
                  "publish the limits in the docs, and the biggest users get a call from us "
                  "before anything changes, since a surprise would break their reports.")
    tips = {g.criteria[0].tip for g in (a, b)}
    assert len(tips) == 2


@pytest.mark.parametrize("answer", [
    "Token bucket per API key, 429 with Retry-After.",
    "Per tenant quotas at the gateway.\nBack off with jitter.\nWarn at 80% of quota.",
    "I'd use a sliding window counter in Redis, keyed on tenant, with shadow mode first.",
])
def test_a_thin_answer_cannot_earn_a_hire_anywhere(answer: str) -> None:
    q = next(q for q in QUESTIONS if q.topic == "rate-limiting" and q.kind != "behavioural")
    grade = _grade(q, answer)
    assert max(c.score for c in grade.criteria) <= 2
    assert "thin" in grade.flags and grade.overall < 3


def test_a_spoken_transcript_is_marked_uncertain_and_a_clean_answer_is_not() -> None:
    q = next(q for q in QUESTIONS if q.topic == "rate-limiting" and q.kind != "behavioural")
    spoken = ("um so I think, you know, we'd key the limit on, no wait, on the tenant, uh, "
              "because like one tenant can sort of starve everyone else, and um the number "
              "comes from, you know, what the p99 tenant uses today plus some headroom, I mean "
              "we'd run it in log only mode first, uh, for two weeks before enforcing it.")
    assert any("spoken" in r for r in _grade(q, spoken).uncertain)
    clean = _grade(q, "\n".join(q.strong_answer))
    assert not any("spoken" in r for r in clean.uncertain)
