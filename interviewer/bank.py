"""The bank's shape and the rubric-vs-medium rule, both declared in YAML under prompts/.

`prompts/bank.yaml` says how big the bank is, how many stories it holds, which cells and
tags must be covered; `prompts/media.yaml` says which mechanisms fit which medium. A library
without these files (a contributor's scratch library, the tests' mini library) is checked
only for what every question needs.
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import product
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from interviewer.taxonomy import AREAS, FLAVOURS, FORMATS, LEVELS, TOPICS, Medium


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Range(_Strict):
    min: int = 0
    max: int | None = None

    def fault(self, count: int) -> str | None:
        if count < self.min:
            return f"{count}, fewer than {self.min}"
        if self.max is not None and count > self.max:
            return f"{count}, more than {self.max}"
        return None


class TagRule(Range):
    means: str


class EachRule(_Strict):
    min_each: int = Field(ge=0)


class BankShape(_Strict):
    questions: Range
    stories: Range
    every_cell: bool = True
    tags: dict[str, TagRule] = Field(default_factory=dict)
    formats: EachRule = EachRule(min_each=0)
    flavours: EachRule = EachRule(min_each=0)


class Mechanism(_Strict):
    name: str
    words: list[str] = Field(min_length=1)
    fits: list[Medium] = Field(min_length=1)


class MediaFile(_Strict):
    media: dict[Medium, str]
    mechanisms: list[Mechanism] = Field(default_factory=list)
    # Phrases that make what follows them in a clause one example among several ("such as",
    # "for an HTTP API"): a mechanism named after one is offered, not required.
    conditional: list[str] = Field(default_factory=list)


def _read(path: Path, model: type[BaseModel], problems: list[str]) -> Any:
    if not path.exists():
        return None
    try:
        return model.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (yaml.YAMLError, ValidationError) as exc:
        problems.append(f"{path.name}: {exc}")
        return None


def shape_problems(questions: list[Any], shape: BankShape) -> list[str]:
    """Every way the bank misses the shape it declares, one line each."""
    out = []
    where = "bank.yaml"
    if fault := shape.questions.fault(len(questions)):
        out.append(f"{where}: questions: the bank has {fault}")
    stories = [q for q in questions if q.kind == "behavioural"]
    if fault := shape.stories.fault(len(stories)):
        out.append(f"{where}: stories: the bank has {fault} story prompts")
    if shape.every_cell:
        cells = {(q.area, q.topic, q.level) for q in questions}
        out.extend(f"{where}: every_cell: no {level} question on {topic} in {area}"
                   for area, topic, level in product(AREAS, TOPICS, LEVELS)
                   if (area, topic, level) not in cells)
    tags = Counter(t for q in questions for t in q.tags)
    for tag, rule in shape.tags.items():
        if fault := rule.fault(tags[tag]):
            out.append(f"{where}: tags.{tag}: {fault} questions carry it ({rule.means})")
    for q in questions:
        out.extend(f"{where}: {q.id}.tags: unknown tag {t!r}; bank.yaml lists the tags"
                   for t in q.tags if t not in shape.tags)
    for name, values, rule, counts in (
            ("formats", FORMATS, shape.formats, Counter(q.format for q in questions)),
            ("flavours", FLAVOURS, shape.flavours, Counter(q.flavour for q in questions))):
        out.extend(f"{where}: {name}: {counts[v]} {v!r} question(s), fewer than {rule.min_each}"
                   for v in values if counts[v] < rule.min_each)
    return out


_CLAUSE = re.compile(r";|(?<!e\.g)\.\s")


def _requires(text: str, word: str, conditional: list[str]) -> bool:
    """True when a clause of `text` names `word` without an example marker before it."""
    pattern = re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])", re.IGNORECASE)
    for clause in _CLAUSE.split(text):
        for hit in pattern.finditer(clause):
            before = clause[: hit.start()].lower()
            if not any(marker.lower() in before for marker in conditional):
                return True
    return False


def medium_problems(questions: list[Any], rubrics: dict[str, Any], media: MediaFile) -> list[str]:
    """Rubric bars (levels and tips) that name a mechanism the question's medium cannot have.

    One line per rubric level or tip and medium, naming how many questions it would be applied to,
    so a rubric author sees the bar to rewrite (or to scope with `applies_to`).
    """
    hits: dict[tuple[str, str, str, str, str], list[str]] = {}
    for q in questions:
        rubric = rubrics.get(q.topic)
        if rubric is None:
            continue
        for criterion in rubric.criteria:
            if criterion.applies_to and q.medium not in criterion.applies_to:
                continue
            bars = {f"levels[{level}]": text for level, text in criterion.levels.items()}
            bars["tip"] = criterion.tip  # the scorecard shows it beside the grade
            for field, text in bars.items():
                for m in media.mechanisms:
                    if q.medium in m.fits or not any(_requires(text, w, media.conditional)
                                                     for w in m.words):
                        continue
                    hits.setdefault((q.topic, criterion.id, field, m.name, q.medium),
                                    []).append(q.id)
    return [f"{topic}.yaml: {cid}.{field} names {mech!r}, which does not fit "
            f"medium {medium!r} ({len(ids)} question(s), e.g. {ids[0]}); rewrite the bar "
            "or scope the criterion with applies_to"
            for (topic, cid, field, mech, medium), ids in sorted(hits.items())]


def _names(text: str, word: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text, re.IGNORECASE) is not None


def _criteria_by_file(rubrics: dict[str, Any]) -> dict[tuple[str, str], Any]:
    """Every criterion once, under the file it is written in: a criterion every rubric shares
    comes from common.yaml."""
    every = [[*r.criteria, *(c for extra in r.kind_criteria.values() for c in extra)]
             for r in rubrics.values()]
    shared = set.intersection(*({c.id for c in cs} for cs in every)) if every else set()
    out: dict[tuple[str, str], Any] = {}
    for topic, criteria in zip(rubrics, every, strict=True):
        for c in criteria:
            out.setdefault(("common.yaml" if c.id in shared else f"{topic}.yaml", c.id), c)
    return out


def concept_problems(rubrics: dict[str, Any], media: MediaFile) -> list[str]:
    """Concepts that would coach a mechanism on a medium it does not fit.

    A concept applies to the media in its `applies_to`, narrowed by its criterion's (empty
    means every medium). If one of its phrasings (or its name) names a mechanism from
    media.yaml, every medium it applies to must be one the mechanism fits: otherwise a batch
    answer is told to add "429 and Retry-After"."""
    everywhere = list(media.media)
    out = []
    for (where, cid), criterion in _criteria_by_file(rubrics).items():
        for concept in criterion.concepts:
            scope = [m for m in concept.applies_to or everywhere
                     if not criterion.applies_to or m in criterion.applies_to]
            for m in media.mechanisms:
                said = next((t for t in (concept.name, *concept.phrases)
                             if any(_names(t, w) for w in m.words)), None)
                wrong = [medium for medium in scope if medium not in m.fits]
                if said is not None and wrong:
                    out.append(f"{where}: {cid}.concepts ({concept.name}): {said!r} names "
                               f"{m.name!r}, which does not fit medium {', '.join(wrong)}; "
                               f"scope the concept to the media it fits ({', '.join(m.fits)}) "
                               "with applies_to, or drop the phrase")
    return out


def follow_up_problems(questions: list[Any], rubrics: dict[str, Any]) -> list[str]:
    """Follow-ups aimed at a criterion that is scoped away from the question's medium."""
    out = []
    for q in questions:
        rubric = rubrics.get(q.topic)
        if rubric is None:
            continue
        scoped = {c.id for c in rubric.criteria if c.applies_to and q.medium not in c.applies_to}
        out.extend(f"{q.id}.follow_ups[{i}].criterion: {fu.criterion!r} does not apply to "
                   f"medium {q.medium!r}" for i, fu in enumerate(q.follow_ups)
                   if fu.criterion in scoped)
    return out


def check_bank(root: Path, questions: list[Any], rubrics: dict[str, Any],
               problems: list[str]) -> None:
    """Add every shape and medium problem the library's own YAML declares to `problems`."""
    prompts = root / "prompts"
    shape = _read(prompts / "bank.yaml", BankShape, problems)
    if shape is not None:
        problems.extend(shape_problems(questions, shape))
    media = _read(prompts / "media.yaml", MediaFile, problems)
    if media is not None:
        problems.extend(medium_problems(questions, rubrics, media))
        problems.extend(concept_problems(rubrics, media))
    problems.extend(follow_up_problems(questions, rubrics))
