"""A grade request for one of the library's own questions, built the way the app builds it:
the question's text, outline and rubric, and the answer as the only exchange."""

from __future__ import annotations

from interviewer.library import default_library
from interviewer.models.base import Exchange, GradeRequest


def library_request(question_id: str, answer: str) -> GradeRequest:
    library = default_library()
    q = library.question(question_id)
    return GradeRequest(question_id=q.id, question_text=q.text, area=q.area, topic=q.topic,
                        strong_answer=list(q.strong_answer), rubric=library.rubric_for(q),
                        exchanges=[Exchange(prompt=q.text, answer=answer)])
