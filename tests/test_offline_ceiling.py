"""Where an answer held under an overall ceiling sits (grader.under_ceiling), and terse lines
counting in full towards depth (analysis.Analysed.written): the two reading changes the
leave-one-set-out protocol kept (calibration/README.md, "Five-set folds")."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st
from pytest import MonkeyPatch

from interviewer.agreement import spearman
from interviewer.calibration import _library_question, grade_request, load_set
from interviewer.offline import grader
from interviewer.offline.analysis import TERSE, Reading
from interviewer.offline.grader import CEILING_ACTING, grade_answer, read_request, under_ceiling
from interviewer.paths import calibration_dir
from tests.test_offline_fit import STRONG, _request

_READ = read_request(_request(STRONG)).reading
engagements = st.lists(st.floats(min_value=0, max_value=1, allow_nan=False), min_size=1,
                       max_size=12)
ceilings = st.floats(min_value=0.5, max_value=4, allow_nan=False)


def _reading(engaged: list[float]) -> Reading:
    """The strong answer's reading with each sentence's engagement set by hand."""
    first = _READ.sentences[0]
    return replace(_READ, sentences=tuple(replace(first, engaged=e) for e in engaged))


@settings(max_examples=200, deadline=None)
@given(ceiling=ceilings, engaged=engagements, index=st.integers(0, 11),
       more=st.floats(min_value=0, max_value=1, allow_nan=False))
def test_acting_more_never_lowers_a_held_answer(ceiling: float, engaged: list[float],
                                                index: int, more: float) -> None:
    """Between 1 and the ceiling (never above it), and a sentence acting more never lowers it."""
    held = under_ceiling(ceiling, _reading(engaged))
    assert held <= ceiling and held >= min(1.0, ceiling)
    richer = list(engaged)
    richer[index % len(richer)] = min(1.0, richer[index % len(richer)] + more)
    assert under_ceiling(ceiling, _reading(richer)) >= held


def test_the_ceiling_is_reached_when_most_of_the_answer_acts() -> None:
    assert under_ceiling(1.5, _reading([CEILING_ACTING] * 4)) == 1.5
    assert under_ceiling(1.5, _reading([1.0, 1.0, 0.0, 0.0])) == 1.5
    assert under_ceiling(1.5, _reading([0.0, 0.0, 0.0])) == 1.0
    assert under_ceiling(1.5, _reading([0.25, 0.25])) == 1.25
    assert under_ceiling(2.0, Reading((), (), 0.0, 0.0, 0.0, 0.0)) == 1.0


def test_an_answer_held_lower_is_told_why() -> None:
    """An essay in which nobody acts is held under its ceiling and the scorecard says it
    describes rather than answers; a held answer that acts throughout gets no such note."""
    essay = ("Rate limiting has a long history in networking. Early routers dropped packets "
             "when their queues filled. The token bucket later became the usual way to "
             "describe bursts. Most large providers publish their limits in their "
             "documentation. Developers often complain when limits change without warning.")
    grade = grade_answer(_request(essay))
    assert grade.overall_cap is not None and grade.overall_cap < 1.5
    assert grader.DESCRIBED_NOTE in grade.notes
    assert grader.DESCRIBED_NOTE not in grade_answer(_request(STRONG)).notes


def _held_on_blind_tuning() -> tuple[list[float], list[float]]:
    """Labels and grades of the blind-tuning answers the grader holds under a ceiling."""
    labels, grades = [], []
    for item in load_set(calibration_dir() / "blind-tuning.jsonl"):
        rubric, outline = _library_question(item) or (None, [])
        grade = grade_answer(grade_request(item, rubric, strong_answer=outline)) if rubric else None
        if grade is not None and grade.overall_cap is not None:
            labels.append(item.label.overall)
            grades.append(grade.overall)
    return labels, grades


def test_held_answers_are_ordered_by_how_much_they_act(monkeypatch: MonkeyPatch) -> None:
    """On blind-tuning, answers held under a ceiling (essays beside the question, keyword
    lists, wrong designs, honest answers that cover little of the outline) all sat at the
    ceiling whatever their label, so labels 1 and 2 tied; placed by how much they act, their
    grades follow the labels."""
    labels, grades = _held_on_blind_tuning()
    monkeypatch.setattr(grader, "CEILING_ACTING", 1e-9)  # the ceiling as a plain cap
    flat_labels, flat = _held_on_blind_tuning()
    assert labels == flat_labels and len(labels) > 60
    assert spearman(labels, grades) > spearman(labels, flat) + 0.03

    def ones_under(gs: list[float]) -> int:
        return sum(g < 1.5 for g, label in zip(gs, labels, strict=True) if label == 1)

    assert ones_under(grades) >= ones_under(flat) + 5


def test_a_terse_line_counts_in_full_and_a_list_of_terms_does_not() -> None:
    """A bullet or spoken fragment (sentence_quality's terse tier) carries the substance of
    the full sentence saying the same; lists of terms (0.1, 0.2) keep their discount."""
    sentence = _READ.sentences[1]
    assert sentence.quality == 1.0 and sentence.substance > 0
    terse = replace(sentence, quality=TERSE)
    assert terse.written == 1.0 and terse.substance == sentence.substance
    for listed in (0.1, 0.2):
        assert replace(sentence, quality=listed).substance < 0.25 * sentence.substance
