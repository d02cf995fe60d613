"""The question and rubric library: YAML files loaded by name into validated models."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from interviewer import paths
from interviewer.bank import check_bank
from interviewer.taxonomy import TOPICS, Area, Flavour, Format, Kind, Level, Medium, Topic


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Concept(Strict):
    """An idea a criterion looks for, with the jargon and plain words that express it."""

    name: str
    phrases: list[str] = Field(min_length=1)


class Criterion(Strict):
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    name: str
    weight: float = Field(default=1.0, gt=0)
    description: str
    evidence: str
    levels: dict[int, str]
    concepts: list[Concept] = Field(default_factory=list)
    tip: str
    # The media this criterion's bars fit; empty means every medium. A question is graded
    # only on the criteria that fit its medium (see `Library.rubric_for`).
    applies_to: list[Medium] = Field(default_factory=list)

    @field_validator("levels")
    @classmethod
    def _four_levels(cls, levels: dict[int, str]) -> dict[int, str]:
        if sorted(levels) != [1, 2, 3, 4]:
            raise ValueError("levels must describe exactly 1, 2, 3 and 4")
        return levels


class SharedRef(Strict):
    id: str
    weight: float = Field(gt=0)


class RubricFile(Strict):
    topic: Topic
    name: str
    summary: str
    criteria: list[Criterion] = Field(min_length=1)
    shared: list[SharedRef] = Field(default_factory=list)


class CommonFile(Strict):
    criteria: list[Criterion] = Field(min_length=1)


class Rubric(Strict):
    """A topic's rubric with the shared criteria it uses already merged in."""

    topic: Topic
    name: str
    summary: str
    criteria: list[Criterion]

    def criterion(self, criterion_id: str) -> Criterion:
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise KeyError(criterion_id)

    @property
    def criterion_ids(self) -> list[str]:
        return [c.id for c in self.criteria]


class FollowUp(Strict):
    criterion: str
    text: str


class Fact(Strict):
    """A scenario detail the interviewer gives only when the candidate asks about it.

    `ask` holds the words a clarifying question about this detail is likely to use.
    """

    ask: list[str] = Field(min_length=1)
    fact: str = Field(min_length=10)


class StoryBar(Strict):
    """What a strong story shows, so a grader can tell a real story from a hypothetical."""

    role: str
    constraint: str
    decision: str
    outcome: str


class Question(Strict):
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    area: Area
    topic: Topic
    kind: Kind
    level: Level = "senior"
    medium: Medium = "http"
    flavour: Flavour | None = None
    format: Format | None = None
    tags: list[str] = Field(default_factory=list)
    text: str = Field(min_length=20)
    follow_ups: list[FollowUp] = Field(min_length=2)
    twist: str | None = None
    facts: list[Fact] = Field(default_factory=list)
    strong_answer: list[str] = Field(min_length=3)
    strong_hire: list[str] = Field(default_factory=list)
    weak_answers: list[str] = Field(default_factory=list)
    story: StoryBar | None = None

    @property
    def difficulty(self) -> str:
        """The level under its older name, for callers that still filter by it."""
        return self.level


class QuestionFile(Strict):
    area: Area
    questions: list[dict[str, Any]] = Field(min_length=1)


class LibraryError(Exception):
    """Every problem found in the library, each naming its file and field."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class Library:
    questions: dict[str, Question] = field(default_factory=dict)
    rubrics: dict[str, Rubric] = field(default_factory=dict)

    def question(self, question_id: str) -> Question:
        return self.questions[question_id]

    def rubric_for(self, question: Question) -> Rubric:
        """The question's topic rubric, keeping only the criteria that fit its medium."""
        rubric = self.rubrics[question.topic]
        fitting = [c for c in rubric.criteria
                   if not c.applies_to or question.medium in c.applies_to]
        if len(fitting) == len(rubric.criteria):
            return rubric
        return rubric.model_copy(update={"criteria": fitting})

    def filter(self, area: str | None = None, topic: str | None = None,
               level: str | None = None) -> list[Question]:
        """Questions matching every filter given, in library order."""
        return [
            q for q in self.questions.values()
            if (area is None or q.area == area)
            and (topic is None or q.topic == topic)
            and (level is None or q.level == level)
        ]


def _where(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _validation_problems(path: Path, err: ValidationError, prefix: str = "") -> list[str]:
    problems = []
    for e in err.errors():
        where = _where(tuple(e["loc"]))
        if prefix:
            where = prefix if where == "(top level)" else f"{prefix}.{where}"
        message = "unknown field" if e["type"] == "extra_forbidden" else e["msg"]
        problems.append(f"{path.name}: {where}: {message}")
    return problems


def _read_yaml(path: Path, problems: list[str]) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        problems.append(f"{path.name}: not valid YAML: {exc}")
        return None


def _load_common(rubric_dir: Path, problems: list[str]) -> dict[str, Criterion]:
    path = rubric_dir / "common.yaml"
    if not path.exists():
        return {}
    raw = _read_yaml(path, problems)
    try:
        common = CommonFile.model_validate(raw)
    except ValidationError as err:
        problems.extend(_validation_problems(path, err))
        return {}
    return {c.id: c for c in common.criteria}


def _merge_rubric(path: Path, rf: RubricFile, common: dict[str, Criterion],
                  problems: list[str]) -> Rubric:
    criteria = list(rf.criteria)
    for i, ref in enumerate(rf.shared):
        if ref.id not in common:
            problems.append(f"{path.name}: shared[{i}].id: no shared criterion {ref.id!r} "
                            "in common.yaml")
            continue
        criteria.append(common[ref.id].model_copy(update={"weight": ref.weight}))
    dupes = [cid for cid, n in Counter(c.id for c in criteria).items() if n > 1]
    for cid in dupes:
        problems.append(f"{path.name}: criteria: criterion id {cid!r} appears twice")
    return Rubric(topic=rf.topic, name=rf.name, summary=rf.summary, criteria=criteria)


def load_rubrics(rubric_dir: Path, problems: list[str]) -> dict[str, Rubric]:
    common = _load_common(rubric_dir, problems)
    rubrics: dict[str, Rubric] = {}
    for path in sorted(rubric_dir.glob("*.yaml")):
        if path.name == "common.yaml":
            continue
        raw = _read_yaml(path, problems)
        try:
            rf = RubricFile.model_validate(raw)
        except ValidationError as err:
            problems.extend(_validation_problems(path, err))
            continue
        if rf.topic in rubrics:
            problems.append(f"{path.name}: topic: a rubric for {rf.topic!r} already exists")
            continue
        if path.stem != rf.topic:
            problems.append(f"{path.name}: topic: file name should be {rf.topic}.yaml")
        rubrics[rf.topic] = _merge_rubric(path, rf, common, problems)
    for topic in TOPICS:
        if topic not in rubrics:
            problems.append(f"{rubric_dir.name}/: no rubric for topic {topic!r}")
    return rubrics


def _load_question_file(path: Path, problems: list[str]) -> list[tuple[Path, Question]]:
    raw = _read_yaml(path, problems)
    try:
        qf = QuestionFile.model_validate(raw)
    except ValidationError as err:
        problems.extend(_validation_problems(path, err))
        return []
    out = []
    for i, item in enumerate(qf.questions):
        try:
            q = Question.model_validate({"area": qf.area, **item})
        except ValidationError as err:
            problems.extend(_validation_problems(path, err, prefix=f"questions[{i}]"))
            continue
        if item.get("area", qf.area) != qf.area:
            problems.append(f"{path.name}: questions[{i}].area: differs from the file's area")
        problems.extend(f"{path.name}: {q.id}.{key}: say it explicitly; the default is only "
                        "for code that builds questions" for key in ("level", "medium")
                        if key not in item)
        out.append((path, q))
    return out


def _check_content(path: Path, q: Question, problems: list[str]) -> None:
    """What every question needs beyond its fields' types: the facts a candidate can ask
    for, an outline that separates Hire from Strong hire, and a story bar on story prompts."""
    where = f"{path.name}: {q.id}"
    if not q.facts:
        problems.append(f"{where}.facts: give the scenario facts a candidate may ask about")
    if not q.strong_hire:
        problems.append(f"{where}.strong_hire: say what lifts an answer from Hire to Strong hire")
    if not q.weak_answers:
        problems.append(f"{where}.weak_answers: name the common weak answers")
    if (q.kind == "behavioural") != (q.story is not None):
        problems.append(f"{where}.story: a behavioural question, and only one, says what a "
                        "strong story shows (role, constraint, decision, outcome)")
    if q.format == "staged" and not q.twist:
        problems.append(f"{where}.twist: a staged case needs the constraint that changes")


def _check_question(path: Path, index: int, q: Question, rubrics: dict[str, Rubric],
                    problems: list[str]) -> None:
    rubric = rubrics.get(q.topic)
    if rubric is None:
        problems.append(f"{path.name}: {q.id}.topic: no rubric for topic {q.topic!r}")
        return
    _check_content(path, q, problems)
    for j, fu in enumerate(q.follow_ups):
        if fu.criterion not in rubric.criterion_ids:
            problems.append(
                f"{path.name}: {q.id}.follow_ups[{j}].criterion: {fu.criterion!r} is not a "
                f"criterion of the {q.topic} rubric ({', '.join(rubric.criterion_ids)})")


def load_library(root: Path | None = None) -> Library:
    """Load and check every question and rubric; raise LibraryError listing all problems."""
    root = root or paths.data_root()
    problems: list[str] = []
    rubrics = load_rubrics(root / "rubrics", problems)
    library = Library(rubrics=rubrics)
    for path in sorted((root / "prompts" / "questions").glob("*.yaml")):
        for index, (qpath, q) in enumerate(_load_question_file(path, problems)):
            if q.id in library.questions:
                problems.append(f"{qpath.name}: {q.id}.id: duplicate question id")
                continue
            _check_question(qpath, index, q, rubrics, problems)
            library.questions[q.id] = q
    if not library.questions:
        problems.append("prompts/questions/: no questions found")
    check_bank(root, list(library.questions.values()), rubrics, problems)
    if problems:
        raise LibraryError(problems)
    return library


@cache
def default_library() -> Library:
    """The library shipped with the package, loaded once per process."""
    return load_library()
