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
SYSTEM_CACHE_SIZE = 2048  # the library's questions x levels x two kinds of system message
_systems: dict[tuple[Any, ...], tuple[tuple[Any, ...], str]] = {}


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


def _system(name: str, held: tuple[Any, ...], key: tuple[Any, ...], **context: Any) -> str:
    """A system message rendered once per distinct input and kept: rendering the grader's
    (rubric, anchors, outline: ~19,000 characters) took ~0.9 ms, a tenth of a turn's CPU.
    `key` holds plain values; `held` the frozen library objects the library hands out once
    per question (see `Library.rubric_for`), matched by identity and kept alive here so that
    no other object can take their id."""
    full = (name, *map(id, held), *key)
    hit = _systems.get(full)
    if hit is not None and all(a is b for a, b in zip(hit[0], held, strict=True)):
        return hit[1]
    text = render(name, **context)
    if len(_systems) >= SYSTEM_CACHE_SIZE:  # oldest first; the library's own stay far below
        del _systems[next(iter(_systems))]
    _systems[full] = (held, text)
    return text


def _fenced(exchanges: list[Exchange], tag: str) -> list[dict[str, str]]:
    return [{"prompt": e.prompt, "answer": fence(e.answer, tag)} for e in exchanges]


def interviewer_messages(request: TurnRequest, exchanges: list[Exchange], omitted: int,
                         tag: str) -> list[Message]:
    """System (role, guide, question, rubric) then the turn to phrase."""
    q = request.question
    system = _system("interviewer_system.j2", (q, request.rubric), (), question=q,
                     rubric=request.rubric, facts=q.facts, levels=False,
                     area_name=AREA_NAMES[q.area], topic_name=TOPIC_NAMES[q.topic])
    turn = render("interviewer_turn.j2", kind=request.kind, number=request.number,
                  total=request.total, seed_text=request.seed_text, criterion=request.criterion,
                  exchanges=_fenced(exchanges, tag), omitted=omitted, lead_in=request.lead_in)
    return [{"role": "system", "content": system}, {"role": "user", "content": turn}]


def grader_messages(request: GradeRequest, exchanges: list[Exchange], omitted: int, tag: str,
                    schema: str | None) -> list[Message]:
    """System (role, rubric, question, outline) then the fenced answers to grade."""
    r = request
    key = (r.area, r.topic, r.question_text, tuple(r.strong_answer), tuple(r.strong_hire),
           tuple(r.weak_answers), r.level, r.level_bar)  # the anchors follow the topic
    system = _system("grader_system.j2", (r.rubric,), key, rubric=r.rubric, levels=True,
                     area_name=AREA_NAMES.get(r.area, r.area),
                     topic_name=TOPIC_NAMES.get(r.topic, r.topic), question_text=r.question_text,
                     strong_answer=r.strong_answer, strong_hire=r.strong_hire,
                     weak_answers=r.weak_answers, level_name=TARGET_NAMES.get(r.level, r.level),
                     level_bar=r.level_bar, anchors=anchors_for(r.topic))
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
