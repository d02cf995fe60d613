"""A thin answer that names the right move in a line earns a 2 on the criterion it is about
(criteria.said_in_a_line): the blind sets' labellers gave such one-liners 1.5 overall, where
the fitted layer, which leans on depth, left every criterion at 1. Lists of terms, runs of
jargon, descriptions of the world and off-topic lines stay at 1, and no thin answer nears 3."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interviewer.models.base import GradeRequest
from interviewer.offline.criteria import LINE_LEVEL, said_in_a_line
from interviewer.offline.grader import THIN_FLAG, grade_answer, read_request
from interviewer.scoring import AnswerGrade
from tests.library_requests import library_request

QID = "api-email-send-limits-top-senders"  # rate limiting: limit-design, fairness-and-feedback


def _request(answer: str) -> GradeRequest:
    return library_request(QID, answer)


def _grade(answer: str) -> AnswerGrade:
    return grade_answer(_request(answer))


def _scores(grade: AnswerGrade) -> dict[str, int]:
    return {c.id: c.score for c in grade.criteria}


@pytest.mark.parametrize(("answer", "about"), [
    ("Give each sender its own limit per hour and warn the big ones weeks before the new "
     "limit starts.", "limit-design"),
    ("I would give the biggest senders a month of notice and a higher limit for now, so "
     "nobody's email stops overnight.", "fairness-and-feedback"),
])
def test_a_plan_in_a_line_earns_a_two_where_it_is_about(answer: str, about: str) -> None:
    g = _grade(answer)
    assert THIN_FLAG in g.flags
    scores = _scores(g)
    assert scores[about] == LINE_LEVEL
    assert sorted(scores.values()) == [1, 1, 1, LINE_LEVEL]  # one criterion, not the answer
    assert 1 < g.overall < 1.5
    said = next(c for c in g.criteria if c.id == about)
    assert "in a line" in said.feedback and "too short" in said.feedback


@pytest.mark.parametrize("answer", [
    "Token bucket, leaky bucket, sliding window, 429, Retry-After, quotas, burst limits, "
    "fairness.",
    "For this I think about: token bucket, sliding window, quotas, burst limits, retry "
    "headers, fairness, tiers.",
    "Email providers often limit how many messages a customer can send each hour.",
    "Our office moved to a new building last spring and the coffee there is much better now.",
])
def test_lists_jargon_descriptions_and_other_subjects_stay_at_one(answer: str) -> None:
    g = _grade(answer)
    assert set(_scores(g).values()) == {1}
    assert g.overall == 1.0


def test_said_in_a_line_picks_the_criterion_named_first_of_equals() -> None:
    line = ("Give each sender its own limit per hour and warn the big ones weeks before the new "
            "limit starts.")
    reading = read_request(_request(line)).reading
    assert said_in_a_line(reading, [0, 1]) == 0
    assert said_in_a_line(reading, [1]) == 1
    assert said_in_a_line(reading, []) is None


def test_the_line_reading_is_for_thin_answers_only() -> None:
    """A full answer is graded by the fitted layer alone, whatever its first line says."""
    answer = ("Give each sender its own limit per hour and warn the big ones weeks before the new "
              "limit starts. The shared sending addresses are what the mailbox providers "
              "throttle, so the limit has to protect them first. I would put the three largest "
              "senders on their own addresses, so their bursts stop hurting everyone else. Each "
              "of them gets a month to spread sends across the hour, with a report of how close "
              "they run to the limit. If deliverability is still down after that, I would lower "
              "the limit for the worst bursts again.")
    g = _grade(answer)
    assert THIN_FLAG not in g.flags
    assert not any("in a line" in c.feedback for c in g.criteria)


words = st.sampled_from(["limit", "sender", "hour", "warn", "I", "would", "give", "each",
                         "the", "a", "quota", "burst", "and", "so", "we", "retry", "429",
                         "fair", "notice", "tier", "coffee", "weeks", ","])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(words, min_size=1, max_size=14), min_size=1, max_size=3))
def test_no_line_lifts_more_than_one_criterion_or_nears_three(sentences: list[list[str]]) -> None:
    """Whatever a short answer says, the line reading adds at most one 2, never a 3."""
    answer = " ".join(" ".join(s).capitalize() + "." for s in sentences)
    g = _grade(answer)
    if THIN_FLAG in g.flags:  # (concepts named on both criteria may earn 2 on both by the fit)
        assert sum("in a line" in c.feedback for c in g.criteria) <= 1
        assert max(c.score for c in g.criteria) <= 2
        assert g.overall < 2

