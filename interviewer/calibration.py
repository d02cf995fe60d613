"""Calibration: grade a labelled answer set with any model and measure agreement with the labels,
ranking within questions, the adversarial rules and speed."""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from interviewer.agreement import (
    agreement,
    confusion_matrix,
    quadratic_weighted_kappa,
    ranking_accuracy,
    spearman,
    to_level,
)
from interviewer.calibration_rules import (
    ADVERSARIAL_KINDS,
    RULES,
    STYLE_BIAS,
    Kind,
    KindResult,
    Style,
    StyleResult,
    kind_results,
    style_results,
)
from interviewer.library import Rubric
from interviewer.models.base import Exchange, GradeRequest, InterviewModel
from interviewer.offline.injection import instruction_spans
from interviewer.scoring import AnswerGrade
from interviewer.taxonomy import KINDS, Area, Topic

__all__ = ["ADVERSARIAL_KINDS", "RULES", "KindResult", "StyleResult"]
SLOWEST = 5


class CalibrationError(Exception):
    """A calibration set could not be read; the message names the file and line."""


class Label(BaseModel):
    """The expert's overall level and per-criterion levels for one answer."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    overall: float = Field(ge=1, le=4)
    criteria: dict[str, int] = Field(default_factory=dict)

    @field_validator("criteria")
    @classmethod
    def _levels(cls, criteria: dict[str, int]) -> dict[str, int]:
        bad = {k: v for k, v in criteria.items() if not 1 <= v <= 4}
        if bad:
            raise ValueError(f"criterion labels must be 1 to 4: {bad}")
        return criteria


class CalibrationItem(BaseModel):
    """One labelled answer; `injected` optionally quotes the sentences that address the grader.

    Optional: `question_id` names a library question (its outline and kind then apply),
    `style` how the answer is written, `rationale` one line per criterion label, and
    `pair_of` the id of the answer a `plain-rewrite` restates."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str = ""
    area: Area
    topic: Topic
    question: str = Field(min_length=1)
    answer: str
    kind: Kind
    label: Label
    injected: list[str] = Field(default_factory=list)
    question_id: str | None = None
    style: Style | None = None
    rationale: dict[str, str] = Field(default_factory=dict)
    pair_of: str | None = None


def load_set(path: Path) -> list[CalibrationItem]:
    """Read and validate a JSONL calibration set; blank lines are skipped."""
    items: list[CalibrationItem] = []
    with Path(path).open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            items.append(_parse_line(path, number, line))
    if not items:
        raise CalibrationError(f"{path}: no items")
    return items


def _parse_line(path: Path, number: int, line: str) -> CalibrationItem:
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as exc:
        raise CalibrationError(f"{path}:{number}: not valid JSON: {exc.msg}") from exc
    try:
        item = CalibrationItem.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise CalibrationError(f"{path}:{number}: {where}: {first['msg']}") from exc
    return item if item.id else item.model_copy(update={"id": f"line-{number}"})


# ---------------------------------------------------------------- report models


class Agreement(BaseModel):
    """How closely grades match labels over a set of answers."""

    n: int
    qwk: float
    spearman: float
    exact: float
    adjacent: float


class ItemResult(BaseModel):
    """One graded item: label, grade, per-criterion scores, flags and time."""

    id: str
    kind: str
    topic: str
    question: str
    label: float
    grade: float
    label_criteria: dict[str, int]
    grade_criteria: dict[str, int]
    flags: list[str]
    ms: float
    clean_grade: float | None = None
    style: str | None = None
    pair_of: str | None = None
    fallback: str = ""  # why the offline grader graded this item in the model's place, if it did
    # the grades themselves, for fitting a score map; not written to reports
    detail: AnswerGrade | None = Field(default=None, exclude=True)
    clean_detail: AnswerGrade | None = Field(default=None, exclude=True)


class SlowItem(BaseModel):
    """An item among the slowest to grade."""

    id: str
    kind: str
    ms: float


class CalibrationReport(BaseModel):
    """Everything a calibration run measured; `to_markdown` for people, JSON for tools."""

    model: str
    n: int
    overall: Agreement
    criteria: dict[str, Agreement]
    confusion: list[list[int]]
    ranking: float
    ranking_pairs: int
    kinds: list[KindResult]
    styles: list[StyleResult] = Field(default_factory=list)
    slowest: list[SlowItem]
    total_seconds: float
    items: list[ItemResult]
    fallbacks: int = 0  # items the offline grader graded because the model could not

    def fallback_note(self) -> str:
        """A warning when part of an LLM's report is the offline grader's work, else ""."""
        if not self.fallbacks:
            return ""
        return (f"{self.fallbacks} of {self.n} answers were graded by the offline fallback, "
                f"not by {self.model}: these figures are not the model's own")

    def adversarial_failures(self) -> list[str]:
        """One line per adversarial rule that did not hold."""
        return [f"{k.kind}: {k.rule} failed for {', '.join(k.failures)}"
                for k in self.kinds if k.passed is False]

    def style_failures(self) -> list[str]:
        """One line per answer style whose mean grade sits too far from its mean label."""
        return [f"style {s.style}: bias {s.bias:+.2f} outside +/-{STYLE_BIAS}"
                for s in self.styles if not s.within]

    def thresholds_failed(self, min_qwk: float, min_spearman: float,
                          min_ranking: float) -> list[str]:
        """Every threshold the run missed, plus every adversarial rule that failed."""
        out = []
        if self.overall.qwk < min_qwk:
            out.append(f"QWK {self.overall.qwk:.3f} < {min_qwk}")
        if self.overall.spearman < min_spearman:
            out.append(f"Spearman {self.overall.spearman:.3f} < {min_spearman}")
        if self.ranking < min_ranking:
            out.append(f"pairwise ranking {self.ranking:.3f} < {min_ranking}")
        if self.fallbacks:
            out.append(self.fallback_note())
        return out + self.adversarial_failures() + self.style_failures()

    def to_markdown(self) -> str:
        """A readable summary: agreement, confusion, ranking, adversarial rules, slowest items."""
        return "\n".join(_markdown(self))


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _agreement_rows(report: CalibrationReport) -> list[str]:
    rows = ["| scope | n | QWK | Spearman | exact | adjacent |", "|---|---|---|---|---|---|"]
    for name, a in [("overall", report.overall), *sorted(report.criteria.items())]:
        rows.append(f"| {name} | {a.n} | {a.qwk:.3f} | {a.spearman:.3f} | {_pct(a.exact)} | "
                    f"{_pct(a.adjacent)} |")
    return rows


def _confusion_rows(report: CalibrationReport) -> list[str]:
    rows = ["| label \\ grade | 1 | 2 | 3 | 4 |", "|---|---|---|---|---|"]
    rows += [f"| {i + 1} | " + " | ".join(str(v) for v in r) + " |"
             for i, r in enumerate(report.confusion)]
    return rows


def _kind_rows(report: CalibrationReport) -> list[str]:
    rows = ["| kind | n | mean grade | mean label | rule | result |", "|---|---|---|---|---|---|"]
    for k in report.kinds:
        result = "" if k.passed is None else ("pass" if k.passed else
                                              "FAIL: " + ", ".join(k.failures))
        rows.append(f"| {k.kind} | {k.n} | {k.mean_grade:.2f} | {k.mean_label:.2f} | {k.rule} "
                    f"| {result} |")
    return rows


def _fallback_lines(report: CalibrationReport) -> list[str]:
    if not report.fallbacks:
        return []
    reasons: dict[str, int] = defaultdict(int)
    for item in report.items:
        if item.fallback:
            reasons[item.fallback] += 1
    return [f"**Warning: {report.fallback_note()}.** Why:", "",
            *[f"- {n} × {why}" for why, n in sorted(reasons.items(), key=lambda x: -x[1])], ""]


def _style_rows(report: CalibrationReport) -> list[str]:
    if not report.styles:
        return ["No item names its style."]
    rows = [f"| style | n | mean grade | mean label | bias (target +/-{STYLE_BIAS}) |",
            "|---|---|---|---|---|"]
    rows += [f"| {s.style} | {s.n} | {s.mean_grade:.2f} | {s.mean_label:.2f} | "
             f"{s.bias:+.2f}{'' if s.within else ' FAIL'} |" for s in report.styles]
    return rows


def _markdown(report: CalibrationReport) -> list[str]:
    lines = [f"# Calibration: {report.model}", "",
             f"{report.n} answers graded in {report.total_seconds:.2f} s.", "",
             *_fallback_lines(report),
             "## Agreement with the labels", "", *_agreement_rows(report), "",
             "## Confusion (overall, rounded)", "", *_confusion_rows(report), "",
             f"## Ranking within questions: {_pct(report.ranking)} of "
             f"{report.ranking_pairs} pairs", "",
             "## Answer kinds and adversarial rules", "", *_kind_rows(report), "",
             "## Bias per answer style", "", *_style_rows(report), "",
             "## Slowest answers", "", "| id | kind | ms |", "|---|---|---|"]
    lines += [f"| {s.id} | {s.kind} | {s.ms:.1f} |" for s in report.slowest]
    return lines


# ---------------------------------------------------------------- running


def grade_request(item: CalibrationItem, rubric: Rubric, answer: str | None = None,
                  strong_answer: Sequence[str] = ()) -> GradeRequest:
    """The request a model grades for one calibration item; the outline only if one is given."""
    text = item.answer if answer is None else answer
    return GradeRequest(question_id=item.id, question_text=item.question, area=item.area,
                        topic=item.topic, strong_answer=list(strong_answer), rubric=rubric,
                        exchanges=[Exchange(prompt=item.question, answer=text)])


def _library_question(item: CalibrationItem) -> tuple[Rubric, list[str]] | None:
    """For an item on a library question: the rubric for that kind of question and its outline."""
    from interviewer.library import default_library

    library = default_library()
    if not item.question_id or item.question_id not in library.questions:
        return None
    q = library.question(item.question_id)
    labelled = set(item.label.criteria)
    if labelled and not labelled <= set(library.rubric_for(q).criterion_ids):
        # labelled under another kind (the bank later re-filed the question): grade it on
        # the criteria the labeller saw, or the label and the grade measure different things
        for kind in KINDS:
            other = library.rubric_for(q.model_copy(update={"kind": kind}))
            if labelled <= set(other.criterion_ids):
                return other, list(q.strong_answer)
    return library.rubric_for(q), list(q.strong_answer)


def without_injection(item: CalibrationItem) -> str:
    """The answer with the text addressed to the grader removed."""
    text = item.answer
    if item.injected:
        for quoted in item.injected:
            text = text.replace(quoted, "")
        return text
    for start, end in sorted(instruction_spans(text), reverse=True):
        text = text[:start] + text[end:]
    return text


def _default_rubrics() -> Mapping[str, Rubric]:
    from interviewer.library import default_library

    return default_library().rubrics


async def _grade_item(model: InterviewModel, item: CalibrationItem,
                      rubric: Rubric, outline: Sequence[str] = ()) -> ItemResult:
    start = time.perf_counter()
    grade = await model.grade(grade_request(item, rubric, strong_answer=outline))
    ms = (time.perf_counter() - start) * 1000
    fell_back = grade.grader == "offline" and model.name != "offline"
    clean = None
    if item.kind == "injection":
        clean_request = grade_request(item, rubric, without_injection(item), outline)
        clean = await model.grade(clean_request)
    return item_result(item, grade, round(ms, 2), clean,
                       _reason(grade.notes) if fell_back else "")


def item_result(item: CalibrationItem, grade: AnswerGrade, ms: float,
                clean: AnswerGrade | None = None, fallback: str = "") -> ItemResult:
    """One item's result from its grade (and, for an injection, the clean answer's grade)."""
    return ItemResult(id=item.id, kind=item.kind, topic=item.topic, question=item.question,
                      label=item.label.overall, grade=grade.overall,
                      label_criteria=dict(item.label.criteria),
                      grade_criteria={c.id: c.score for c in grade.criteria},
                      flags=list(grade.flags), ms=ms,
                      clean_grade=clean.overall if clean is not None else None,
                      style=item.style, pair_of=item.pair_of, fallback=fallback,
                      detail=grade, clean_detail=clean)


def _reason(notes: Sequence[str]) -> str:
    """Why the offline grader stood in, from the grade's first note."""
    first = notes[0] if notes else ""
    return first.removeprefix("Graded by the offline grader because ").rstrip(".") \
        or "no reason given"


Progress = Callable[[int, int, "ItemResult"], None]


async def run_calibration(model: InterviewModel, items: Sequence[CalibrationItem],
                          rubrics: Mapping[str, Rubric] | None = None,
                          progress: Progress | None = None) -> CalibrationReport:
    """Grade every item with `model` and measure it against the labels; `progress` hears
    of each item as it is done (a run against a slow model takes many minutes)."""
    shipped = rubrics is None
    rubrics = rubrics if rubrics is not None else _default_rubrics()
    start = time.perf_counter()
    results = []
    for item in items:
        found = _library_question(item) if shipped else None
        rubric, outline = found or (rubrics[item.topic], [])
        results.append(await _grade_item(model, item, rubric, outline))
        if progress is not None:
            progress(len(results), len(items), results[-1])
    return build_report(model.name, results, time.perf_counter() - start)


def _agreement(labels: Sequence[float], grades: Sequence[float]) -> Agreement:
    li = [to_level(x) for x in labels]
    gi = [to_level(x) for x in grades]
    exact, adjacent = agreement(li, gi)
    return Agreement(n=len(li), qwk=round(quadratic_weighted_kappa(li, gi), 4),
                     spearman=round(spearman(labels, grades), 4), exact=round(exact, 4),
                     adjacent=round(adjacent, 4))


def _criteria_agreement(results: Sequence[ItemResult]) -> dict[str, Agreement]:
    pairs: dict[str, tuple[list[float], list[float]]] = defaultdict(lambda: ([], []))
    for r in results:
        for cid, label in r.label_criteria.items():
            if cid in r.grade_criteria:
                pairs[cid][0].append(label)
                pairs[cid][1].append(r.grade_criteria[cid])
    return {cid: _agreement(a, b) for cid, (a, b) in sorted(pairs.items())}


def _ranking(results: Sequence[ItemResult]) -> tuple[float, int]:
    groups: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for r in results:
        groups[(r.topic, r.question)].append((r.label, r.grade))
    return ranking_accuracy(groups.values())


def build_report(model: str, results: Sequence[ItemResult], seconds: float) -> CalibrationReport:
    """Every metric of a calibration run from its per-item results."""
    labels = [r.label for r in results]
    grades = [r.grade for r in results]
    ranking, pairs = _ranking(results)
    slow = sorted(results, key=lambda r: -r.ms)[:SLOWEST]
    return CalibrationReport(
        model=model, n=len(results), overall=_agreement(labels, grades),
        criteria=_criteria_agreement(results),
        confusion=confusion_matrix([to_level(x) for x in labels], [to_level(x) for x in grades]),
        ranking=round(ranking, 4), ranking_pairs=pairs, kinds=kind_results(results),
        styles=style_results(results),
        slowest=[SlowItem(id=r.id, kind=r.kind, ms=r.ms) for r in slow],
        total_seconds=round(seconds, 3), items=list(results),
        fallbacks=sum(1 for r in results if r.fallback))
