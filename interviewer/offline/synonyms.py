"""Everyday expressions for the terms the rubrics name mechanisms by, loaded from
`prompts/offline/synonyms.yaml`, where a platform PM can read and correct them.

Why: a rubric concept, and a new question's outline, are written in a PM's words. A candidate
who says "we can undo the release" has named a rollback, but matched none of its phrasings, so
a plain retelling of a strong answer lost the concept credit its jargon original earned, and
most on questions nobody wrote rubric-level paraphrases for. An expression here stands in for
its term wherever a sentence's concepts are matched (matching.find_concepts); it is matched
as a whole expression, so its everyday words never match one at a time."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, field_validator

from interviewer.offline.text import stem, words
from interviewer.paths import prompts_dir
from interviewer.yaml_files import read_model

# first stem of an expression -> (the expression's stems, the term's stems), each once
Table = dict[str, tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]]


class Synonyms(BaseModel):
    """Per term of the trade, the everyday expressions that say the same thing."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    terms: dict[str, list[str]]

    @field_validator("terms")
    @classmethod
    def _expressions(cls, terms: dict[str, list[str]]) -> dict[str, list[str]]:
        """Every term has words and expressions; every expression has two words or more,
        since one everyday word matches anything (the same rule as a rubric's `plain:`)."""
        for term, said in terms.items():
            if not words(term):
                raise ValueError(f"the term {term!r} has no words")
            if not said:
                raise ValueError(f"{term}: no expressions")
            lone = [text for text in said if len(words(text)) < 2]
            if lone:
                raise ValueError(f"{term}: an expression needs two words or more, not {lone}")
        return terms


def default_path() -> Path:
    return prompts_dir() / "offline" / "synonyms.yaml"


@cache
def load_synonyms(path: Path | None = None) -> Synonyms:
    """The synonyms from YAML; a bad file is a clear error naming the file and the field."""
    return read_model(path or default_path(), Synonyms)


def compile_table(synonyms: Synonyms) -> Table:
    """The expressions as stem sequences, indexed by their first stem."""
    table: dict[str, dict[tuple[tuple[str, ...], tuple[str, ...]], None]] = {}
    for term, said in synonyms.terms.items():
        term_stems = tuple(stem(w) for w in words(term))
        for text in said:
            expression = tuple(stem(w) for w in words(text))
            table.setdefault(expression[0], {})[(expression, term_stems)] = None
    return {first: tuple(entries) for first, entries in table.items()}


@cache
def table() -> Table:
    """The shipped synonyms, compiled once."""
    return compile_table(load_synonyms())


def with_terms(where: dict[str, list[int]], table: Table) -> dict[str, list[int]]:
    """A sentence's stem positions with each everyday expression's term added where the
    expression starts, so a phrase of the term finds it; the sentence itself when none is
    said. Each position is tried only against the expressions that start with its stem, so
    the cost follows the sentence's length."""
    added: dict[str, list[int]] = {}
    at: dict[str, frozenset[int]] = {}  # positions as sets, built for the stems looked up

    def said_at(s: str, p: int) -> bool:
        if s not in at:
            at[s] = frozenset(where.get(s, ()))
        return p in at[s]

    for first, starts in where.items():
        for expression, term in table.get(first, ()):
            for p in starts:
                if all(said_at(s, p + i) for i, s in enumerate(expression)):
                    for i, s in enumerate(term):
                        added.setdefault(s, []).append(p + i)
    if not added:
        return where
    out = {s: list(ps) for s, ps in where.items()}
    for s, ps in added.items():
        out[s] = sorted({*out.get(s, ()), *ps})
    return out


def terms_said(text: str, table: Table) -> set[str]:
    """The stems of every term one of the text's everyday expressions stands for: what the
    text names, said in plain words ("we can undo the release" names a rollback)."""
    where: dict[str, list[int]] = {}
    for i, s in enumerate(stem(w) for w in words(text)):
        where.setdefault(s, []).append(i)
    grown = with_terms(where, table)
    return {s for s, ps in grown.items() if len(ps) > len(where.get(s, ()))}
