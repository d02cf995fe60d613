"""The fitted layer's fourth signal, `named`: the share of the question's topic criteria an
answer names anything of (criteria.named_share), in any words the rubric allows, whatever
the answer's length."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interviewer.library import Rubric, load_rubrics
from interviewer.models.base import Exchange, GradeRequest
from interviewer.offline import fitted
from interviewer.offline.criteria import kind_of, named_share
from interviewer.offline.grader import criterion_signals, grade_answer, read_request
from interviewer.offline.matching import compiled

ROOT = Path(__file__).resolve().parent.parent
QUESTION = ("Your payments API takes amounts as decimal strings. Rounding bugs cause "
            "reconciliation errors and engineering wants integer minor units instead. About "
            "5,000 merchants send amounts today. How do you roll out this change?")
# Both of the versioning rubric's topic criteria, compatibility and the migration plan, in a
# few plain sentences.
BOTH = ("I would add a new integer field next to the old one so that existing integrations "
        "keep working and nothing breaks for merchants who never touch their code. Then I "
        "would set a deprecation date for the decimal field a year out, write a migration "
        "guide with examples and tell every merchant by email. Each week I would check how "
        "many merchants still send the old field and call the biggest ones myself.")
# Only compatibility, said at length.
ONE = ("The most important thing is that existing integrations keep working. Merchants built "
       "their code years ago and many of them never touch it again, so the old clients must "
       "keep working exactly as before. A change that breaks existing clients would hurt trust "
       "in the platform, because a merchant whose totals are suddenly wrong blames us. So the "
       "guiding principle is backward compatibility: whatever we do, old integrations keep "
       "working, and the decimal strings they send keep meaning the same amount they always "
       "meant, without breaking anyone who relies on them today.")


@pytest.fixture(scope="module")
def rubric() -> Rubric:
    return load_rubrics(ROOT / "rubrics", [])["versioning"]


def _request(rubric: Rubric, answer: str) -> GradeRequest:
    return GradeRequest(question_id="amounts", question_text=QUESTION, area="api-products",
                        topic="versioning", rubric=rubric,
                        exchanges=[Exchange(prompt=QUESTION, answer=answer)])


def test_the_share_counts_topic_criteria_named_not_words(rubric: Rubric) -> None:
    """A short answer that touches both topic criteria covers all of the question's ground;
    a longer one that dwells on one covers half of it."""
    crits = compiled(rubric).criteria
    assert sum(kind_of(c) == "topic" for c in crits) == 2
    both = named_share(crits, read_request(_request(rubric, BOTH)).reading)
    one = named_share(crits, read_request(_request(rubric, ONE)).reading)
    assert len(ONE.split()) > len(BOTH.split())
    assert both == 1.0
    assert one == 0.5


def test_every_criterion_reads_the_same_share(rubric: Rubric) -> None:
    """The grader passes the answer's share to every criterion's signals, and the fit rows
    (refit.py) see the same number the grader scores with."""
    read = read_request(_request(rubric, BOTH))
    assert {s.named for _, s, _ in criterion_signals(read).values()} == {1.0}


def test_the_grader_scores_with_the_share(rubric: Rubric) -> None:
    """With a fit that weighs only `named`, the shorter answer that covers both points grades
    above the long one that covers one: the signal reaches the levels."""
    only = fitted.KindFit(weights=fitted.Weights(concept=0, recipe=0, depth_root=0, named=10),
                          cuts=(6.0, 7.0, 9.0))
    fit = fitted.load_fit().model_copy(update={k: only for k in
                                               ("topic", "structure", "trade_offs")})
    with fitted.fit_in_use(fit):
        both = grade_answer(_request(rubric, BOTH))
        one = grade_answer(_request(rubric, ONE))
    assert "thin" not in both.flags
    assert {c.score for c in one.criteria} == {1}
    assert min(c.score for c in both.criteria) >= 2
    assert both.overall > one.overall


@settings(max_examples=200, deadline=None)
@given(kind=st.sampled_from(["topic", "structure", "trade-offs"]),
       base=st.floats(min_value=0, max_value=1), more=st.floats(min_value=0, max_value=1))
def test_covering_more_of_the_question_never_lowers_a_level(kind: str, base: float,
                                                            more: float) -> None:
    low = fitted.level_of(kind, fitted.Signals(2.0, 0.3, 4.0, base))
    assert low <= fitted.level_of(kind, fitted.Signals(2.0, 0.3, 4.0, min(1.0, base + more)))
