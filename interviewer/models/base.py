"""The one seam between the engine and any model: offline, OpenAI-compatible, or a test fake."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Literal, Protocol, runtime_checkable

from pydantic import BaseModel, Field

from interviewer.library import Criterion, Question, Rubric, outline_at
from interviewer.scoring import AnswerGrade


class Exchange(BaseModel):
    """One interviewer prompt and the candidate's reply to it."""

    prompt: str
    answer: str


class TurnRequest(BaseModel):
    """What the interviewer should say next: a library question or a follow-up on one criterion."""

    interview_id: str = ""
    kind: Literal["question", "follow_up"]
    question: Question
    rubric: Rubric
    seed_text: str
    criterion: Criterion | None = None
    exchanges: list[Exchange] = Field(default_factory=list)
    number: int = 1
    total: int = 1
    # What the interviewer says before the library wording: the opening on the first
    # question, otherwise an acknowledgement quoting the last answer and a transition.
    lead_in: str = ""


class GradeRequest(BaseModel):
    """Everything needed to grade one question's answers against its rubric."""

    interview_id: str = ""
    question_id: str
    question_text: str
    area: str
    topic: str
    strong_answer: list[str] = Field(default_factory=list)
    rubric: Rubric
    exchanges: list[Exchange]
    clarifications: list[Exchange] = Field(
        default_factory=list, description="clarifying questions asked, each with its reply")
    level: str = "senior"
    level_bar: str = ""
    strong_hire: list[str] = Field(default_factory=list)
    weak_answers: list[str] = Field(default_factory=list)

    @property
    def answer(self) -> str:
        """The candidate's own words for this question, in order; quotes are checked against it."""
        return "\n\n".join(e.answer for e in self.exchanges)

    @classmethod
    def for_question(cls, question: Question, rubric: Rubric, exchanges: list[Exchange],
                     interview_id: str = "", level: str | None = None,
                     level_bar: str = "") -> GradeRequest:
        """The request for one question, its outline set to the candidate's target level."""
        hire, stretch = outline_at(question, level)
        return cls(interview_id=interview_id, question_id=question.id, question_text=question.text,
                   area=question.area, topic=question.topic, strong_answer=hire,
                   strong_hire=stretch, weak_answers=list(question.weak_answers),
                   level=level or question.level, level_bar=level_bar, rubric=rubric,
                   exchanges=exchanges)


class ModelUnavailable(Exception):
    """The model could not be reached or kept failing; the interview stays resumable."""


@runtime_checkable
class InterviewModel(Protocol):
    """The few things the engine needs from a model."""

    name: str

    def phrase(self, request: TurnRequest) -> AsyncIterator[str]:
        """Stream the interviewer's next turn, chunk by chunk."""
        ...

    async def grade(self, request: GradeRequest) -> AnswerGrade:
        """Grade the answers to one question against its rubric, with verbatim evidence."""
        ...
