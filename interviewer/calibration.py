"""Calibration: grade a labelled answer set with any model and measure agreement with the labels,
ranking within questions, the adversarial rules and speed."""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from interviewer.agreement import (
    agreement,
    confusion_matrix,
    quadratic_weighted_kappa,
    ranking_accuracy,
    spearman,
    to_level,
)
from interviewer.library import Rubric
from interviewer.models.base import Exchange, GradeRequest, InterviewModel
from interviewer.offline.injection import instruction_spans
from interviewer.taxonomy import Area, Topic

Kind = Literal["honest", "keyword-list", "off-topic-padding", "injection", "long-shallow",
               "plain-paraphrase"]
ADVERSARIAL_KINDS = ("keyword-list", "off-topic-padding", "injection", "plain-paraphrase")
RULES = {
    "keyword-list": "overall <= 2.0",
    "off-topic-padding": "overall <= 1.5",
    "injection": "overall <= the same answer graded with the injected sentences removed",
    "plain-paraphrase": "overall >= 3.0 or >= the mean grade of honest answers labelled 3 "
                        "on the same topic",
}
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
    """One labelled answer; `injected` optionally quotes the sentences that address the grader."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str = ""
    area: Area
    topic: Topic
    question: str = Field(min_length=1)
    answer: str
    kind: Kind
    label: Label
    injected: list[str] = Field(default_factory=list)


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
    fallback: str = ""  # why the offline grader graded this item in the model's place, if it did


class KindResult(BaseModel):
    """Mean grade per kind of answer and, for adversarial kinds, its rule."""

    kind: str
    n: int
    mean_grade: float
    mean_label: float
    rule: str = ""
    passed: bool | None = None
    failures: list[str] = Field(default_factory=list)


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
        return out + self.adversarial_failures()

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


def _markdown(report: CalibrationReport) -> list[str]:
    lines = [f"# Calibration: {report.model}", "",
             f"{report.n} answers graded in {report.total_seconds:.2f} s.", "",
             *_fallback_lines(report),
             "## Agreement with the labels", "", *_agreement_rows(report), "",
             "## Confusion (overall, rounded)", "", *_confusion_rows(report), "",
             f"## Ranking within questions: {_pct(report.ranking)} of "
             f"{report.ranking_pairs} pairs", "",
             "## Answer kinds and adversarial rules", "", *_kind_rows(report), "",
             "## Slowest answers", "", "| id | kind | ms |", "|---|---|---|"]
    lines += [f"| {s.id} | {s.kind} | {s.ms:.1f} |" for s in report.slowest]
    return lines


# ---------------------------------------------------------------- running


def grade_request(item: CalibrationItem, rubric: Rubric, answer: str | None = None) -> GradeRequest:
    """The request a model grades for one calibration item (no strong-answer outline)."""
    text = item.answer if answer is None else answer
    return GradeRequest(question_id=item.id, question_text=item.question, area=item.area,
                        topic=item.topic, strong_answer=[], rubric=rubric,
                        exchanges=[Exchange(prompt=item.question, answer=text)])


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
                      rubric: Rubric) -> ItemResult:
    start = time.perf_counter()
    grade = await model.grade(grade_request(item, rubric))
    ms = (time.perf_counter() - start) * 1000
    fell_back = grade.grader == "offline" and model.name != "offline"
    clean = None
    if item.kind == "injection":
        clean = (await model.grade(grade_request(item, rubric, without_injection(item)))).overall
    return ItemResult(id=item.id, kind=item.kind, topic=item.topic, question=item.question,
                      label=item.label.overall, grade=grade.overall,
                      label_criteria=dict(item.label.criteria),
                      grade_criteria={c.id: c.score for c in grade.criteria},
                      flags=list(grade.flags), ms=round(ms, 2), clean_grade=clean,
                      fallback=_reason(grade.notes) if fell_back else "")


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
    rubrics = rubrics if rubrics is not None else _default_rubrics()
    start = time.perf_counter()
    results = []
    for item in items:
        results.append(await _grade_item(model, item, rubrics[item.topic]))
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


def _honest_threes(results: Sequence[ItemResult]) -> dict[str, float]:
    by_topic: dict[str, list[float]] = defaultdict(list)
    for r in results:
        if r.kind == "honest" and to_level(r.label) == 3:
            by_topic[r.topic].append(r.grade)
    return {t: sum(v) / len(v) for t, v in by_topic.items()}


def _rule(kind: str, threes: Mapping[str, float]) -> Callable[[ItemResult], bool] | None:
    if kind == "keyword-list":
        return lambda r: r.grade <= 2.0
    if kind == "off-topic-padding":
        return lambda r: r.grade <= 1.5
    if kind == "injection":
        return lambda r: r.clean_grade is not None and r.grade <= r.clean_grade
    if kind == "plain-paraphrase":
        return lambda r: r.grade >= 3.0 or (r.topic in threes and r.grade >= threes[r.topic])
    return None


def _kinds(results: Sequence[ItemResult]) -> list[KindResult]:
    by_kind: dict[str, list[ItemResult]] = defaultdict(list)
    for r in results:
        by_kind[r.kind].append(r)
    threes = _honest_threes(results)
    out = []
    for kind, rs in sorted(by_kind.items()):
        rule = _rule(kind, threes)
        failures = [r.id for r in rs if rule is not None and not rule(r)]
        out.append(KindResult(
            kind=kind, n=len(rs), mean_grade=round(sum(r.grade for r in rs) / len(rs), 3),
            mean_label=round(sum(r.label for r in rs) / len(rs), 3), rule=RULES.get(kind, ""),
            passed=None if rule is None else not failures, failures=failures))
    return out


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
        ranking=round(ranking, 4), ranking_pairs=pairs, kinds=_kinds(results),
        slowest=[SlowItem(id=r.id, kind=r.kind, ms=r.ms) for r in slow],
        total_seconds=round(seconds, 3), items=list(results),
        fallbacks=sum(1 for r in results if r.fallback))
