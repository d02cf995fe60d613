"""Prompts for the LLM interviewer and grader, rendered from `prompts/llm/*.j2`.

Each request puts its static part first: the role, the guide and the rubric go in the system
message, which stays the same for every turn on a question, so providers' prompt caching
applies. What changes (the answers, the delimiter tag, the schema) comes after.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError

from interviewer import paths
from interviewer.llm.anchors import anchors_for
from interviewer.llm.injection import fence
from interviewer.models.base import Exchange, GradeRequest, TurnRequest
from interviewer.taxonomy import AREA_NAMES, TARGET_NAMES, TOPIC_NAMES

Message = dict[str, str]


class PromptError(RuntimeError):
    """A prompt template is missing or uses a variable it was not given."""


@cache
def environment() -> Environment:
    """The template environment; an undefined variable is an error, not an empty string."""
    return Environment(loader=FileSystemLoader(paths.prompts_dir() / "llm"),
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                       autoescape=False)


def render(name: str, **context: Any) -> str:
    """Render one template, naming the file in any error."""
    try:
        return environment().get_template(name).render(**context).strip()
    except TemplateError as exc:
        raise PromptError(f"prompts/llm/{name}: {exc.message or exc}") from None


def _fenced(exchanges: list[Exchange], tag: str) -> list[dict[str, str]]:
    return [{"prompt": e.prompt, "answer": fence(e.answer, tag)} for e in exchanges]


def interviewer_messages(request: TurnRequest, exchanges: list[Exchange], omitted: int,
                         tag: str) -> list[Message]:
    """System (role, guide, question, rubric) then the turn to phrase."""
    system = render("interviewer_system.j2", question=request.question, rubric=request.rubric,
                    facts=request.question.facts,
                    levels=False, area_name=AREA_NAMES[request.question.area],
                    topic_name=TOPIC_NAMES[request.question.topic])
    turn = render("interviewer_turn.j2", kind=request.kind, number=request.number,
                  total=request.total, seed_text=request.seed_text, criterion=request.criterion,
                  exchanges=_fenced(exchanges, tag), omitted=omitted, lead_in=request.lead_in)
    return [{"role": "system", "content": system}, {"role": "user", "content": turn}]


def grader_messages(request: GradeRequest, exchanges: list[Exchange], omitted: int, tag: str,
                    schema: str | None) -> list[Message]:
    """System (role, rubric, question, outline) then the fenced answers to grade."""
    system = render("grader_system.j2", rubric=request.rubric, levels=True,
                    area_name=AREA_NAMES.get(request.area, request.area),
                    topic_name=TOPIC_NAMES.get(request.topic, request.topic),
                    question_text=request.question_text, strong_answer=request.strong_answer,
                    strong_hire=request.strong_hire, weak_answers=request.weak_answers,
                    level_name=TARGET_NAMES.get(request.level, request.level),
                    level_bar=request.level_bar, anchors=anchors_for(request.topic))
    ask = render("grader_request.j2", tag=tag, exchanges=_fenced(exchanges, tag),
                 omitted=omitted, criterion_ids=request.rubric.criterion_ids, schema=schema,
                 clarifications=_fenced(request.clarifications, tag))
    return [{"role": "system", "content": system}, {"role": "user", "content": ask}]


def repair_messages(reply: str, problem: str, request: GradeRequest,
                    schema: str | None) -> list[Message]:
    """The model's unusable reply and a request to correct it, to append to the conversation."""
    fix = render("repair.j2", problem=problem, schema=schema,
                 criterion_ids=request.rubric.criterion_ids)
    return [{"role": "assistant", "content": reply}, {"role": "user", "content": fix}]
