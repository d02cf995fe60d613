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


class RedFlagHit(BaseModel):
    """A red flag the answer raised: the sentence that raised it and why it hurts users."""

    id: str
    name: str
    criterion: str
    cap: int = Field(ge=1, le=4)
    quote: str = ""
    why: str = ""


class Usage(BaseModel):
    """Model tokens and their estimated cost in US dollars (see prompts/models.yaml)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0  # prompt tokens the provider served from its prompt cache
    cost_usd: float = 0.0
    # why the model's words were not used for this turn (the library's were), if they were not
    note: str = ""

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
    red_flags: list[RedFlagHit] = Field(default_factory=list)
    # a red flag sinks the whole answer, not only its criterion: the overall stays at or below
    overall_cap: float | None = None
    uncertain: list[str] = Field(default_factory=list)  # why the grade may be off, if it may

    @property
    def overall(self) -> float:
        score = weighted_overall(self.criteria)
        # a cap never takes the overall below the scale's floor of 1
        return score if self.overall_cap is None else min(score, max(1.0, self.overall_cap))


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
    strong_hire: list[str] = Field(default_factory=list)  # what lifts Hire to Strong hire
    weak_answers: list[str] = Field(default_factory=list)  # common answers that fall short
    answer: str = ""
    grader: str = ""
    flags: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)
    red_flags: list[RedFlagHit] = Field(default_factory=list)
    uncertain: list[str] = Field(default_factory=list)


class Scorecard(BaseModel):
    interview_id: str
    overall: float
    hire_signal: str
    grader: str
    questions: list[QuestionCard]
    usage: Usage = Field(default_factory=Usage)
    unanswered: int = 0
    level: str = "senior"  # the level the candidate targeted; the outlines follow it
    fix_first: list[str] = Field(default_factory=list)  # the three things to work on first

    @computed_field  # type: ignore[prop-decorator]
    @property
    def answered(self) -> int:
        return len(self.questions)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def total(self) -> int:
        return len(self.questions) + self.unanswered
