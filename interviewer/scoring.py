"""Grades and scorecards: the plain data every model returns and every page shows."""

from __future__ import annotations

from pydantic import BaseModel, Field, computed_field

from interviewer.taxonomy import LEVEL_NAMES


class CriterionGrade(BaseModel):
    id: str
    name: str
    score: int = Field(ge=1, le=4)
    weight: float = 1.0
    evidence: list[str] = Field(default_factory=list)
    feedback: str = ""
    missing: str = ""
    tip: str = ""


class Usage(BaseModel):
    """Model tokens and their estimated cost in US dollars (see prompts/models.yaml)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0  # prompt tokens the provider served from its prompt cache
    cost_usd: float = 0.0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    @computed_field  # type: ignore[prop-decorator]
    @property
    def cached_share(self) -> float:
        """The share of prompt tokens served from the provider's cache, 0 to 1."""
        return round(self.cached_tokens / self.prompt_tokens, 3) if self.prompt_tokens else 0.0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            cached_tokens=self.cached_tokens + other.cached_tokens,
            cost_usd=round(self.cost_usd + other.cost_usd, 6),
        )


class AnswerGrade(BaseModel):
    """One question's grade, over the main answer and any follow-up answers."""

    question_id: str
    criteria: list[CriterionGrade]
    grader: str
    missed: list[str] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)
    answers: int = 0  # how many of the candidate's answers to this question the grade covers

    @property
    def overall(self) -> float:
        return weighted_overall(self.criteria)


def weighted_overall(criteria: list[CriterionGrade]) -> float:
    total = sum(c.weight for c in criteria)
    if not criteria or total <= 0:
        return 1.0
    return round(sum(c.score * c.weight for c in criteria) / total, 2)


def hire_signal(overall: float) -> str:
    """The hiring-committee word for an overall score on the 1 to 4 scale."""
    return LEVEL_NAMES[min(4, max(1, int(overall + 0.5)))]


class QuestionCard(BaseModel):
    question_id: str
    question: str
    area: str
    topic: str
    overall: float
    criteria: list[CriterionGrade]
    missed: list[str]
    strong_answer: list[str]
    answer: str = ""
    grader: str = ""
    flags: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)


class Scorecard(BaseModel):
    interview_id: str
    overall: float
    hire_signal: str
    grader: str
    questions: list[QuestionCard]
    usage: Usage = Field(default_factory=Usage)
    unanswered: int = 0
