"""The fitted layer's fifth signal, `outline`: how much of the question's strong-answer
outline an answer covers, point by point, in any words (interviewer/offline/outline.py),
whatever its length."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interviewer.library import Rubric, load_rubrics
from interviewer.models.base import Exchange, GradeRequest
from interviewer.offline import fitted
from interviewer.offline.criteria import named_share
from interviewer.offline.grader import criterion_signals, grade_answer, read_request
from interviewer.offline.outline import idf_table, outline_share, point_stems

ROOT = Path(__file__).resolve().parent.parent
QUESTION = ("Your payments API takes amounts as decimal strings. Rounding bugs cause "
            "reconciliation errors and engineering wants integer minor units instead. About "
            "5,000 merchants send amounts today. How do you roll out this change?")
OUTLINE = ["Add the integer field beside the decimal one so existing integrations keep working",
           "Set a deprecation date and publish a migration guide with examples",
           "Track adoption weekly and contact the largest merchants directly"]
# Every point, briefly and plainly.
EVERY = ("I would add an integer field beside the decimal one so existing integrations keep "
         "working and nothing breaks for merchants who never touch their code. Then I would "
         "set a deprecation date a year out and publish a migration guide with examples, and "
         "tell every merchant by email. Each week I would track adoption and contact the "
         "largest merchants myself, because they carry most of the volume.")
# One point, at length.
ONE = ("The most important thing is that existing integrations keep working. Merchants built "
       "their integrations years ago and many never touch them again, so existing integrations "
       "must keep working exactly as before. Breaking existing integrations would hurt trust, "
       "because a merchant whose totals are suddenly wrong blames the platform. So whatever we "
       "do, existing integrations keep working and keep meaning the same amounts, and the old "
       "decimal field keeps working for everyone who relies on it today.")


@pytest.fixture(scope="module")
def rubric() -> Rubric:
    return load_rubrics(ROOT / "rubrics", [])["versioning"]


def _request(rubric: Rubric, answer: str, outline: list[str] = OUTLINE) -> GradeRequest:
    return GradeRequest(question_id="amounts", question_text=QUESTION, area="api-products",
                        topic="versioning", rubric=rubric, strong_answer=outline,
                        exchanges=[Exchange(prompt=QUESTION, answer=answer)])


def test_points_covered_not_words_said(rubric: Rubric) -> None:
    """A short answer that touches every point covers more of the outline than a longer one
    that dwells on one point."""
    every = read_request(_request(rubric, EVERY)).outline
    one = read_request(_request(rubric, ONE)).outline
    assert len(ONE.split()) > len(EVERY.split())
    assert every > 0.9
    assert one < 0.5
    assert every > one + 0.4


def test_rare_words_count_more_than_common_ones() -> None:
    """A point met on its rare word counts more than one met on a word every outline uses."""
    idf = idf_table([["track adoption weekly", "track the error rate", "track usage",
                      "idempotency keys on retries"]])
    point = ["track idempotency"]
    assert outline_share(point, {"idempot"}, idf) > outline_share(point, {"track"}, idf)


def test_every_criterion_reads_the_same_coverage(rubric: Rubric) -> None:
    """The grader passes the answer's coverage to every criterion's signals, so the fit rows
    (refit.py) see the number the grader scores with. Without an outline the share of the
    rubric's topic criteria named stands in, so such a question is not graded as if nothing
    of it were covered."""
    read = read_request(_request(rubric, EVERY))
    assert {s.outline for _, s, _ in criterion_signals(read).values()} == {read.outline}
    bare = read_request(_request(rubric, EVERY, outline=[]))
    assert bare.outline == named_share(bare.rubric.criteria, bare.reading) == 1.0
    assert read_request(_request(rubric, ONE, outline=[])).outline == 0.5


def test_the_grader_scores_with_the_coverage(rubric: Rubric) -> None:
    """With a fit that weighs only `outline`, the answer covering every point grades above
    the one covering one point: the signal reaches the levels."""
    only = fitted.KindFit(weights=fitted.Weights(concept=0, recipe=0, depth_root=0, outline=10),
                          cuts=(4.0, 6.0, 8.0))
    fit = fitted.load_fit().model_copy(update={k: only for k in
                                               ("topic", "structure", "trade_offs")})
    with fitted.fit_in_use(fit):
        every = grade_answer(_request(rubric, EVERY))
        one = grade_answer(_request(rubric, ONE))
    assert "thin" not in every.flags
    assert every.overall > one.overall


@settings(max_examples=200, deadline=None)
@given(kind=st.sampled_from(["topic", "structure", "trade-offs"]),
       base=st.floats(min_value=0, max_value=1), more=st.floats(min_value=0, max_value=1))
def test_covering_more_of_the_outline_never_lowers_a_level(kind: str, base: float,
                                                           more: float) -> None:
    low = fitted.level_of(kind, fitted.Signals(2.0, 0.3, 4.0, 0.5, base))
    assert low <= fitted.level_of(kind, fitted.Signals(2.0, 0.3, 4.0, 0.5, min(1.0, base + more)))


@settings(max_examples=150, deadline=None)
@given(outline=st.lists(st.text(max_size=80), max_size=8), answer=st.text(max_size=400))
def test_any_text_reads_between_0_and_1(outline: list[str], answer: str) -> None:
    """Outlines and answers come from outside: never raises, always a share."""
    said = set(point_stems(answer))
    share = outline_share(outline, said, idf_table([outline]))
    assert 0.0 <= share <= 1.0


@settings(max_examples=50, deadline=None)
@given(repeats=st.integers(min_value=1, max_value=40))
def test_the_work_grows_linearly_with_the_outline(repeats: int) -> None:
    """Each point is read once: a long outline costs in proportion, not more."""
    outline = OUTLINE * repeats
    said = set(point_stems(EVERY))
    idf = idf_table([OUTLINE])
    start = time.perf_counter()
    share = outline_share(outline, said, idf)
    assert time.perf_counter() - start < 0.002 * repeats + 0.05
    assert share == pytest.approx(outline_share(OUTLINE, said, idf))
