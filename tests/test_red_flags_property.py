"""Red flags on text from outside: whatever mix of cues, warnings and filler an answer holds,
finding them never fails, every quote is a sentence the candidate wrote, and every flagged
criterion stays at or under its cap."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from interviewer.library import default_library
from interviewer.models.base import Exchange, GradeRequest
from interviewer.offline.grader import grade_answer

_LIBRARY = default_library()
_QUESTION = next(q for q in _LIBRARY.questions.values()
                 if q.topic == "rate-limiting" and q.kind != "behavioural")
_RUBRIC = _LIBRARY.rubric_for(_QUESTION)
_CUES = sorted({c for f in _RUBRIC.red_flags for c in f.cues})
_PIECES = [*_CUES, "we would never", "turning off", "instead of", "the vendor changed",
           "I would", "so", "because", "without", ",", ";", ".", "-", "\n", "cap each tenant",
           "enforce", "notice", "every team", "Starting tomorrow", ":", "but"]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40))
def test_red_flags_quote_the_answer_and_respect_their_caps(pieces: list[str]) -> None:
    answer = " ".join(pieces)
    grade = grade_answer(GradeRequest.for_question(
        _QUESTION, _RUBRIC, [Exchange(prompt=_QUESTION.text, answer=answer)]))
    topic_ids = {c.id for c in _RUBRIC.criteria} - {"structure", "trade-offs", "story"}
    for hit in grade.red_flags:
        assert hit.quote and hit.quote in answer
        hurt = [c for c in grade.criteria
                if c.id == hit.criterion or (hit.criterion == "topic" and c.id in topic_ids)]
        assert hurt and all(c.score <= hit.cap for c in hurt)
    if grade.red_flags:
        assert grade.overall <= min(h.cap for h in grade.red_flags)
