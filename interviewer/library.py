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
from interviewer.taxonomy import KINDS, TOPICS, Area, Flavour, Format, Kind, Level, Medium, Topic

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
RUBRIC_CACHE_SIZE = 4096


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Concept(Strict):
    """An idea a criterion looks for, with the jargon and plain words that express it."""

    name: str
    phrases: list[str] = Field(min_length=1)
    # The same idea in everyday words ("what we give up", "try again in"), as a candidate
    # says it without the jargon. They earn the concept like a phrase, but being everyday
    # words they never say on their own what an answer is about: the offline grader keeps
    # them out of the topic's vocabulary and out of loose matching (offline/matching.py).
    plain: list[str] = Field(default_factory=list)
    # The media this concept's mechanism fits; empty means every medium its criterion fits.
    # "429 and Retry-After" is a fine thing to coach on an HTTP API and a wrong one on a GPU
    # queue, so `Library.rubric_for` drops a concept the question's medium cannot have.
    applies_to: list[Medium] = Field(default_factory=list)

    def fits(self, medium: str) -> bool:
        return not self.applies_to or medium in self.applies_to


class Criterion(Strict):
    id: str = Field(pattern=SLUG)
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

    def fits(self, medium: str) -> bool:
        return not self.applies_to or medium in self.applies_to

    def for_medium(self, medium: str) -> Criterion:
        """This criterion with only the concepts that fit `medium`, so neither credit nor
        "Missing" nor a tip names a mechanism the question cannot have."""
        kept = [k for k in self.concepts if k.fits(medium)]
        return self if len(kept) == len(self.concepts) else self.model_copy(
            update={"concepts": kept})

    @field_validator("levels")
    @classmethod
    def _four_levels(cls, levels: dict[int, str]) -> dict[int, str]:
        if sorted(levels) != [1, 2, 3, 4]:
            raise ValueError("levels must describe exactly 1, 2, 3 and 4")
        return levels


SHARED_SHARE_MAX = 0.30  # structure plus trade-offs may make up at most this share of a topic
SHARED_IDS = ("structure", "trade-offs")
TOPIC_CRITERIA = "topic"  # a red flag's criterion meaning "every criterion the topic owns"
# A red-flag cue written as a frame: parts joined by FRAME_JOIN, each part any of its
# FRAME_ALTERNATIVE-separated alternatives ("delete|remove + old|existing + on day one")
FRAME_JOIN = " + "
FRAME_ALTERNATIVE = "|"


class RedFlag(Strict):
    """A mistake that sinks an answer: it caps one criterion, whatever else the answer says.

    `cues` are plain-language ways a candidate might say it (a cue with " + " is a frame of
    parts, each with "|" alternatives; see rubrics/common.yaml); `why` is written for the
    candidate, about the platform's users, because the scorecard shows it verbatim."""

    id: str = Field(pattern=SLUG)
    name: str = Field(min_length=3)
    what: str = Field(min_length=10)
    criterion: str
    cap: int = Field(ge=1, le=3)
    why: str = Field(min_length=10)
    cues: list[str] = Field(min_length=1)

    @field_validator("cues")
    @classmethod
    def _frames_complete(cls, cues: list[str]) -> list[str]:
        """A frame with an empty part or alternative would match far more than it says."""
        for cue in cues:
            if FRAME_JOIN not in cue and FRAME_ALTERNATIVE not in cue:
                continue
            parts = cue.split(FRAME_JOIN)
            alternatives = [a for p in parts for a in p.split(FRAME_ALTERNATIVE)]
            if len(parts) < 2 or not all(any(ch.isalnum() for ch in a) for a in alternatives):
                raise ValueError(f"frame {cue!r} needs two or more ' + ' parts, each made of "
                                 "'|' alternatives that all have words")
        return cues


class SharedRef(Strict):
    id: str
    weight: float = Field(gt=0)
    kinds: list[Kind] = Field(default_factory=lambda: list(KINDS))


class RubricFile(Strict):
    topic: Topic
    name: str
    summary: str
    criteria: list[Criterion] = Field(min_length=1)
    shared: list[SharedRef] = Field(default_factory=list)
    red_flags: list[RedFlag] = Field(default_factory=list)


class CommonFile(Strict):
    criteria: list[Criterion] = Field(min_length=1)
    jargon: list[str] = Field(default_factory=list)
    red_flags: list[RedFlag] = Field(default_factory=list)  # apply to every topic


class Rubric(Strict):
    """A topic's rubric with the shared criteria it uses already merged in."""

    topic: Topic
    name: str
    summary: str
    criteria: list[Criterion]
    red_flags: list[RedFlag] = Field(default_factory=list)
    # criteria that apply only to some kinds of question (the story criterion: behavioural)
    kind_criteria: dict[str, list[Criterion]] = Field(default_factory=dict)

    def for_kind(self, kind: str) -> Rubric:
        """This rubric as applied to one kind of question, its kind-only criteria merged in."""
        extra = self.kind_criteria.get(kind, [])
        return self.model_copy(update={"criteria": [*self.criteria, *extra],
                                       "kind_criteria": {}})

    def criterion(self, criterion_id: str) -> Criterion:
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        for extra in self.kind_criteria.values():
            for c in extra:
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
    id: str = Field(pattern=SLUG)
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
    red_flags: list[RedFlag] = Field(default_factory=list)
    strong_hire: list[str] = Field(default_factory=list)
    weak_answers: list[str] = Field(default_factory=list)
    story: StoryBar | None = None

    @property
    def difficulty(self) -> str:
        """The level under its older name, for callers that still filter by it."""
        return self.level


class LevelBar(Strict):
    """What a candidate at one level must show, whatever the question."""

    name: str
    bar: str = Field(min_length=20)


LEVEL_RANK = {"pm": 0, "senior": 1, "staff": 2}


def outline_at(question: Question, level: str | None) -> tuple[list[str], list[str]]:
    """The strong-answer outline for a candidate at `level`: what Hire needs, and what
    lifts it to Strong hire. Above the question's own level, the question's Strong hire
    points become part of the Hire bar; at or below it, they stay the stretch."""
    if level is not None and LEVEL_RANK[level] > LEVEL_RANK[question.level]:
        return [*question.strong_answer, *question.strong_hire], []
    return list(question.strong_answer), list(question.strong_hire)


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
    levels: dict[str, LevelBar] = field(default_factory=dict)
    # rubric_for's answers by question, the question kept so that its id stays its own: one
    # Rubric object per question lets prompts.py render its system message once
    _rubric_of: dict[int, tuple[Question, Rubric]] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    def question(self, question_id: str) -> Question:
        return self.questions[question_id]

    def rubric_for(self, question: Question) -> Rubric:
        """The topic rubric for this kind of question, keeping only the criteria and the
        concepts that fit its medium, plus the question's own red flags; the same object
        every time for the same question (both are frozen)."""
        known = self._rubric_of.get(id(question))
        if known is not None and known[0] is question:
            return known[1]
        rubric = self._rubric_for(question)
        if len(self._rubric_of) >= RUBRIC_CACHE_SIZE:  # questions made on the fly (calibration)
            del self._rubric_of[next(iter(self._rubric_of))]
        self._rubric_of[id(question)] = (question, rubric)
        return rubric

    def _rubric_for(self, question: Question) -> Rubric:
        rubric = self.rubrics[question.topic].for_kind(question.kind)
        fitting = [c.for_medium(question.medium) for c in rubric.criteria
                   if c.fits(question.medium)]
        update: dict = {}
        if fitting != rubric.criteria:
            update["criteria"] = fitting
        if question.red_flags:
            update["red_flags"] = [*rubric.red_flags, *question.red_flags]
        return rubric.model_copy(update=update) if update else rubric

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


def _load_common(rubric_dir: Path, problems: list[str]) -> CommonFile:
    path = rubric_dir / "common.yaml"
    if not path.exists():
        return CommonFile.model_construct(criteria=[], jargon=[], red_flags=[])
    raw = _read_yaml(path, problems)
    try:
        common = CommonFile.model_validate(raw)
    except ValidationError as err:
        problems.extend(_validation_problems(path, err))
        return CommonFile.model_construct(criteria=[], jargon=[], red_flags=[])
    _check_jargon(path, common.jargon, common.criteria, problems)
    return common


def _check_jargon(path: Path, jargon: list[str], criteria: list[Criterion],
                  problems: list[str]) -> None:
    """Jargon on its own earns no credit, so no concept may list it as a phrasing."""
    banned = {j.lower().strip() for j in jargon}
    for c in criteria:
        for concept in c.concepts:
            for phrase in concept.phrases:
                if phrase.lower().strip() in banned:
                    problems.append(f"{path.name}: {c.id}.concepts ({concept.name}): "
                                    f"{phrase!r} is jargon listed in common.yaml and earns "
                                    "no credit on its own")


def _check_red_flags(where: str, flags: list[RedFlag], criterion_ids: list[str],
                     problems: list[str]) -> None:
    """Every red flag caps a criterion the rubric has, and ids are unique."""
    for i, flag in enumerate(flags):
        if flag.criterion not in (*criterion_ids, TOPIC_CRITERIA):
            problems.append(f"{where}.red_flags[{i}].criterion: {flag.criterion!r} is not a "
                            f"criterion here ({', '.join(criterion_ids)})")
    for fid, n in Counter(f.id for f in flags).items():
        if n > 1:
            problems.append(f"{where}.red_flags: red flag id {fid!r} appears twice")


def _check_weights(path: Path, rubric: Rubric, problems: list[str]) -> None:
    """Structure plus trade-offs stay a minority share, so content decides the grade."""
    for kind in KINDS:
        criteria = rubric.for_kind(kind).criteria
        total = sum(c.weight for c in criteria)
        shared = sum(c.weight for c in criteria if c.id in SHARED_IDS)
        if total and shared / total > SHARED_SHARE_MAX + 1e-9:
            problems.append(f"{path.name}: shared: structure plus trade-offs weigh "
                            f"{shared / total:.0%} of a {kind} question; at most "
                            f"{SHARED_SHARE_MAX:.0%}")
            return


def _merge_rubric(path: Path, rf: RubricFile, common: CommonFile,
                  problems: list[str]) -> Rubric:
    shared = {c.id: c for c in common.criteria}
    criteria = list(rf.criteria)
    by_kind: dict[str, list[Criterion]] = {}
    for i, ref in enumerate(rf.shared):
        if ref.id not in shared:
            problems.append(f"{path.name}: shared[{i}].id: no shared criterion {ref.id!r} "
                            "in common.yaml")
            continue
        crit = shared[ref.id].model_copy(update={"weight": ref.weight})
        if set(ref.kinds) >= set(KINDS):
            criteria.append(crit)
        else:
            for kind in ref.kinds:
                by_kind.setdefault(kind, []).append(crit)
    all_ids = [c.id for c in criteria] + [c.id for c in by_kind.get("behavioural", [])]
    dupes = [cid for cid, n in Counter(c.id for c in criteria).items() if n > 1]
    for cid in dupes:
        problems.append(f"{path.name}: criteria: criterion id {cid!r} appears twice")
    _check_jargon(path, common.jargon, list(rf.criteria), problems)
    flags = [*rf.red_flags, *common.red_flags]
    _check_red_flags(path.name, flags, all_ids, problems)
    rubric = Rubric(topic=rf.topic, name=rf.name, summary=rf.summary, criteria=criteria,
                    red_flags=flags, kind_criteria=by_kind)
    _check_weights(path, rubric, problems)
    return rubric


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
    if not q.red_flags:
        problems.append(f"{where}.red_flags: name the mistake that sinks an answer to this "
                        "question (its scenario's own harm, beyond the topic's red flags)")
    if (q.kind == "behavioural") != (q.story is not None):
        problems.append(f"{where}.story: a behavioural question, and only one, says what a "
                        "strong story shows (role, constraint, decision, outcome)")
    if q.format == "staged" and not q.twist:
        problems.append(f"{where}.twist: a staged case needs the constraint that changes")


def _check_question(path: Path, index: int, q: Question, rubrics: dict[str, Rubric],
                    problems: list[str]) -> None:
    if q.topic not in rubrics:
        problems.append(f"{path.name}: {q.id}.topic: no rubric for topic {q.topic!r}")
        return
    rubric = rubrics[q.topic].for_kind(q.kind)
    _check_red_flags(f"{path.name}: {q.id}", q.red_flags, rubric.criterion_ids, problems)
    topic_ids = {f.id for f in rubric.red_flags}
    for i, flag in enumerate(q.red_flags):
        if flag.id in topic_ids:
            problems.append(f"{path.name}: {q.id}.red_flags[{i}].id: {flag.id!r} is already a "
                            f"red flag of the {q.topic} rubric or common.yaml")
    _check_content(path, q, problems)
    for j, fu in enumerate(q.follow_ups):
        if fu.criterion not in rubric.criterion_ids:
            problems.append(
                f"{path.name}: {q.id}.follow_ups[{j}].criterion: {fu.criterion!r} is not a "
                f"criterion of the {q.topic} rubric ({', '.join(rubric.criterion_ids)})")


def _load_levels(prompts: Path, problems: list[str]) -> dict[str, LevelBar]:
    """The difficulty ladder from prompts/levels.yaml; a library without it has no bars."""
    path = prompts / "levels.yaml"
    if not path.exists():
        return {}
    raw = _read_yaml(path, problems)
    try:
        levels = {k: LevelBar.model_validate(v) for k, v in (raw or {}).items()}
    except (ValidationError, AttributeError) as err:
        problems.append(f"{path.name}: {err}")
        return {}
    if sorted(levels) != sorted(LEVEL_RANK):
        problems.append(f"{path.name}: describe exactly the levels {', '.join(LEVEL_RANK)}")
    return levels


def load_library(root: Path | None = None) -> Library:
    """Load and check every question and rubric; raise LibraryError listing all problems."""
    root = root or paths.data_root()
    problems: list[str] = []
    rubrics = load_rubrics(root / "rubrics", problems)
    library = Library(rubrics=rubrics, levels=_load_levels(root / "prompts", problems))
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
