"""Self-consistency: the median per criterion, words from a sample that gave that score."""

from __future__ import annotations

from interviewer.llm.consistency import median_verdict
from interviewer.llm.schema import CriterionVerdict, GradeVerdict


def _verdict(score: int, quote: str, injected: bool = False) -> GradeVerdict:
    c = CriterionVerdict(evidence=[quote], reasoning=f"r{score}", score=score,
                         feedback=f"f{score}")
    return GradeVerdict(instructions_to_grader=injected, criteria={"a": c, "b": c})


def test_the_median_score_comes_with_the_words_that_justify_it():
    out = median_verdict([_verdict(4, "x"), _verdict(2, "y"), _verdict(3, "z")])
    assert out.criteria["a"].score == 3 and out.criteria["a"].evidence == ["z"]
    assert out.criteria["a"].feedback == "f3"


def test_an_even_number_of_samples_takes_the_lower_median():
    assert median_verdict([_verdict(4, "x"), _verdict(2, "y")]).criteria["b"].score == 2


def test_one_sample_flagging_an_injection_is_enough():
    out = median_verdict([_verdict(3, "x"), _verdict(3, "x", injected=True), _verdict(3, "x")])
    assert out.instructions_to_grader is True
