"""The test helpers that keep random question draws from adding a staged case's twist."""

from __future__ import annotations

import pytest

from interviewer import engine
from interviewer.library import default_library
from tests.plans import NO_STAGED_TOPIC, is_staged

LIBRARY = default_library()
DRAWS = [("full", None, None, 2), ("area", "api-products", None, 1),
         ("topic", None, "rate-limiting", 2)]


@pytest.mark.parametrize(("mode", "area", "topic", "count"), DRAWS)
def test_these_draws_can_hold_a_staged_case(mode, area, topic, count) -> None:
    """The risk the fixture removes is real: each draw a test used can bring a twist."""
    assert any(is_staged(LIBRARY, engine.plan_interview(LIBRARY, mode, area, topic, count,
                                                        seed=seed)) for seed in range(400))


@pytest.mark.parametrize(("mode", "area", "topic", "count"), DRAWS)
def test_plain_draws_never_hold_one_and_still_vary(plain_draws, mode, area, topic,
                                                   count) -> None:
    plans = [engine.plan_interview(LIBRARY, mode, area, topic, count) for _ in range(300)]
    assert not any(is_staged(LIBRARY, p) for p in plans)
    assert len({p.question_ids for p in plans}) > 1  # still a random draw, not one fixed plan


def test_plain_draws_keep_a_staged_case_named_by_id(plain_draws) -> None:
    plan = engine.plan_interview(LIBRARY, question_id="idp-cluster-quota-staged")
    assert plan.question_ids == ("idp-cluster-quota-staged",)


def test_the_topic_for_other_processes_has_no_staged_case() -> None:
    on_topic = [q for q in LIBRARY.questions.values() if q.topic == NO_STAGED_TOPIC]
    assert len(on_topic) >= 2 and not any(q.twist for q in on_topic)
