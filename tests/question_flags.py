"""What every area's tests of the questions' own red flags share: grading a hand-written
sentence through the offline grader, the checks a proposed harm must pass, and the shape of an
area's flags. The per-area files keep only their sentences and what they check beyond this."""

from __future__ import annotations

from interviewer.library import FRAME_JOIN, TOPIC_CRITERIA, RedFlag, default_library
from interviewer.models.base import Exchange, GradeRequest
from interviewer.offline.grader import grade_answer
from interviewer.offline.matching import compiled
from interviewer.scoring import AnswerGrade, CriterionGrade


def grade(question_id: str, answer: str) -> AnswerGrade:
    """The offline grade of `answer` to the library question, on its rubric and own flags."""
    library = default_library()
    q = library.question(question_id)
    request = GradeRequest.for_question(q, library.rubric_for(q),
                                        [Exchange(prompt=q.text, answer=answer)])
    return grade_answer(request)


def flags_raised(question_id: str, answer: str) -> set[str]:
    """Every flag the answer raises on the question: its own, its topic's and the common ones."""
    return {h.id for h in grade(question_id, answer).red_flags}


def assert_raised_and_held(question_id: str, flag_id: str, answer: str) -> AnswerGrade:
    """The answer raises the flag, quotes its own sentence, and the overall stays at the cap."""
    result = grade(question_id, answer)
    hit = next((h for h in result.red_flags if h.id == flag_id), None)
    assert hit is not None, [h.id for h in result.red_flags]
    assert hit.quote in answer and result.overall <= hit.cap
    return result


def assert_every_hit_quoted_and_held(question_id: str, answer: str) -> None:
    """Whatever the text, each flag raised quotes the answer and the overall stays at the
    lowest cap raised."""
    result = grade(question_id, answer)
    for hit in result.red_flags:
        assert hit.quote and hit.quote in answer
    if result.red_flags:
        assert result.overall <= min(h.cap for h in result.red_flags)


def own_flag(question_id: str, flag_id: str) -> RedFlag:
    return next(f for f in default_library().question(question_id).red_flags if f.id == flag_id)


def own_flags_raised(question_id: str, answer: str) -> set[str]:
    """Which of the question's own flags the answer raises (topic flags left aside)."""
    own = {f.id for f in default_library().question(question_id).red_flags}
    return own & flags_raised(question_id, answer)


def capped_criteria(question_id: str, result: AnswerGrade,
                    flag: RedFlag) -> list[CriterionGrade]:
    """The criteria a flag caps: its own, or for a `topic` flag each criterion the grader
    counts as the topic's own (not the shared structure, trade-offs and story)."""
    library = default_library()
    rubric = compiled(library.rubric_for(library.question(question_id)))
    own = {c.id for c in rubric.criteria if not c.shared}
    return [c for c in result.criteria if c.id == flag.criterion
            or (flag.criterion == TOPIC_CRITERIA and c.id in own)]


def assert_flagged_and_capped(question_id: str, flag_id: str, answer: str) -> AnswerGrade:
    """The answer raises the question's flag, quotes its own sentence, explains why in the
    flag's words, and every criterion the flag caps stays at or under the cap."""
    flag = own_flag(question_id, flag_id)
    result = grade(question_id, answer)
    hit = next((h for h in result.red_flags if h.id == flag_id), None)
    assert hit is not None, [h.id for h in result.red_flags]
    assert hit.quote and hit.quote in answer
    assert hit.why == flag.why.strip()
    capped = capped_criteria(question_id, result, flag)
    assert capped and all(c.score <= flag.cap for c in capped)
    return result


MAX_FRAMES = 6  # a flag's frames (cues with " + "), counted apart from its plain cues


def assert_area_flags(area: str, max_cues: int | None = None) -> None:
    """Each of the area's 81 questions names one or two flags of its own: on a criterion its
    rubric has, none repeating a topic or common flag, each with at least three cues; at most
    `max_cues` plain cues and MAX_FRAMES frames."""
    library = default_library()
    questions = [q for q in library.questions.values() if q.area == area]
    assert len(questions) == 81
    for q in questions:
        assert 1 <= len(q.red_flags) <= 2, q.id
        criteria = set(library.rubric_for(q).criterion_ids) | {TOPIC_CRITERIA}
        inherited = {f.id for f in library.rubric_for(
            q.model_copy(update={"red_flags": []})).red_flags}
        for f in q.red_flags:
            assert f.criterion in criteria and f.id not in inherited, (q.id, f.id)
            plain = [c for c in f.cues if FRAME_JOIN not in c]
            assert len(f.cues) >= 3 and (max_cues is None or len(plain) <= max_cues), \
                (q.id, f.id)
            assert len(f.cues) - len(plain) <= MAX_FRAMES, (q.id, f.id)
