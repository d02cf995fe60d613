"""The offline grader follows the candidate's target level, as the LLM grader does: the same
answer is held to a higher bar at Staff and a lower one at PM, Senior (the level the labelled
sets were labelled at) is the reference, and prompts/offline/levels.yaml is checked."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interviewer.library import default_library
from interviewer.models.base import Exchange, GradeRequest
from interviewer.offline.grader import grade_answer
from interviewer.offline.level_bar import default_path, level_bar
from tests.broken_prompts import check_with_edit

ANSWER = (
    "The goal is to protect every merchant from one noisy caller without surprising our "
    "biggest customers.\n"
    "First, I'd cap each API key with a token bucket at 100 requests a second and a burst of "
    "200, because a single retry loop should not starve the shared pool.\n"
    "Second, callers over the limit get a 429 with a Retry-After header, so their clients "
    "back off instead of hammering us.")
# A fuller answer, mid-scale at Senior, so that a bar either way moves some criterion
FULLER = ANSWER + (
    "\nI'd choose per-key limits over per-IP ones: they cost a lookup per call, but they follow "
    "the customer across servers, and we can roll back by raising a limit.\n"
    "We watch the share of 429s that land on abusive keys rather than real traffic, and the "
    "complaints from our ten largest customers, who get a month's notice before any change.")


def _request(level: str | None, answer: str = ANSWER) -> GradeRequest:
    library = default_library()
    question = next(q for q in library.questions.values()
                    if q.topic == "rate-limiting" and q.kind != "behavioural")
    request = GradeRequest.for_question(question, library.rubric_for(question),
                                        [Exchange(prompt=question.text, answer=answer)],
                                        level=level)
    return request if level else request.model_copy(update={"level": "senior"})


def test_the_same_answer_meets_a_higher_bar_at_staff_and_a_lower_one_at_pm() -> None:
    """Each direction is tried on the answer that sits mid-band for it: the short answer is a
    weak Senior one that the PM bar lifts, the fuller one a Senior Hire that Staff holds down."""
    short = [grade_answer(_request(lv, ANSWER)) for lv in ("pm", "senior", "staff")]
    assert short[0].overall > short[1].overall >= short[2].overall
    pm, senior, staff = (grade_answer(_request(lv, FULLER)) for lv in ("pm", "senior", "staff"))
    assert pm.overall >= senior.overall > staff.overall
    moved = [c for c, s in zip(staff.criteria, senior.criteria, strict=True) if c.score < s.score]
    assert moved and all(level_bar("staff").note in c.feedback for c in moved)
    assert not any(level_bar("staff").note in c.feedback for c in senior.criteria)


def test_senior_is_the_reference_the_labelled_sets_were_graded_at() -> None:
    """A request that names no other level (as calibration's do) is graded at Senior, with
    the thresholds exactly as fitted."""
    assert level_bar("senior").bar == 1.0
    assert level_bar("unknown-level") == level_bar("senior")
    request = _request("senior")
    default = GradeRequest(**request.model_dump(exclude={"level"}))
    assert grade_answer(default) == grade_answer(request)


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("senior:\n  bar: 1.0", "senior:\n  bar: 1.1",
     "levels.yaml: senior: Value error, senior is the reference"),
    ("staff:\n  bar: 1.25", "staff:\n  bar: nothing", "levels.yaml: staff.bar: Input should be"),
    ("pm:\n", "principal:\n", "levels.yaml: pm: Field required"),
])
def test_check_refuses_broken_level_bars_naming_file_and_field(tmp_path: Path, old: str,
                                                               new: str, expected: str) -> None:
    said = check_with_edit(tmp_path, "offline/levels.yaml", default_path(), old, new)
    assert expected in said


PIECES = [*ANSWER.split("\n"),
          "We shipped per-key limits last year and complaints fell by half.",
          "Honestly it depends on the customer.", "um so like we would see",
          "Trial accounts get 10 messages a day until a card is verified, because spammers "
          "love free trials.", "- token bucket\n- 429\n- Retry-After"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=80), min_size=1, max_size=8))
def test_a_higher_target_level_never_raises_a_score(parts: list[str]) -> None:
    """Whatever the answer, each criterion at Staff is at most its Senior score, which is at
    most its PM score: the level only moves thresholds, never caps or red flags."""
    answer = "\n".join(parts)
    grades = [grade_answer(_request(lv).model_copy(update={
        "exchanges": [Exchange(prompt="q", answer=answer)]})) for lv in ("pm", "senior", "staff")]
    for pm, senior, staff in zip(*(g.criteria for g in grades), strict=True):
        assert pm.score >= senior.score >= staff.score
