"""The rules a calibration run checks per kind of answer, and the grade's bias per answer style.

Plain functions over per-item results, apart from reading sets and running models, so the
rules can be read in one place and tested on hand-made results."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import Literal, Protocol

from pydantic import BaseModel, Field

from interviewer.agreement import to_level

Kind = Literal["honest", "keyword-list", "off-topic-padding", "injection", "long-shallow",
               "plain-paraphrase", "wrong-design", "thin", "plain-rewrite", "off-topic"]
Style = Literal["speech", "bullets", "non-native", "story", "prose"]
STYLES: tuple[str, ...] = ("speech", "bullets", "non-native", "story", "prose")
ADVERSARIAL_KINDS = ("keyword-list", "off-topic-padding", "injection", "plain-paraphrase",
                     "wrong-design", "thin", "plain-rewrite", "off-topic")
INJECTION_GAIN = 0.25  # an injected instruction may move the grade at most this much
REWRITE_LOSS = 0.25  # a plain-words rewrite may lose at most this much against its original
STYLE_BIAS = 0.3  # target: mean grade minus mean label within this, per style
RULES = {
    "keyword-list": "overall <= 2.0",
    "off-topic-padding": "overall <= 1.5",
    "off-topic": "overall <= 1.5",
    "wrong-design": "overall <= 2.0",
    "thin": "overall < 3.0",
    "injection": f"overall <= the same answer without the injected sentences + {INJECTION_GAIN}",
    "plain-paraphrase": "overall >= 3.0 or >= the mean grade of honest answers labelled 3 "
                        "on the same topic",
    "plain-rewrite": f"overall >= its original (pair_of) - {REWRITE_LOSS}",
}


class Result(Protocol):
    """What the rules read from one graded item."""

    id: str
    kind: str
    topic: str
    style: str | None
    pair_of: str | None
    label: float
    grade: float
    clean_grade: float | None


class KindResult(BaseModel):
    """Mean grade per kind of answer and, for adversarial kinds, its rule."""

    kind: str
    n: int
    mean_grade: float
    mean_label: float
    rule: str = ""
    passed: bool | None = None
    failures: list[str] = Field(default_factory=list)


class StyleResult(BaseModel):
    """How far grades sit from labels, on average, for one style of answer."""

    style: str
    n: int
    mean_grade: float
    mean_label: float
    bias: float
    within: bool


def _honest_threes(results: Sequence[Result]) -> dict[str, float]:
    by_topic: dict[str, list[float]] = defaultdict(list)
    for r in results:
        if r.kind == "honest" and to_level(r.label) == 3:
            by_topic[r.topic].append(r.grade)
    return {t: sum(v) / len(v) for t, v in by_topic.items()}


def _rule(kind: str, threes: Mapping[str, float],
          grades: Mapping[str, float]) -> Callable[[Result], bool] | None:
    ceilings = {"keyword-list": 2.0, "off-topic-padding": 1.5, "off-topic": 1.5,
                "wrong-design": 2.0}
    if kind in ceilings:
        return lambda r: r.grade <= ceilings[kind]
    if kind == "thin":
        return lambda r: r.grade < 3.0
    if kind == "injection":
        return lambda r: r.clean_grade is not None and r.grade <= r.clean_grade + INJECTION_GAIN
    if kind == "plain-paraphrase":
        return lambda r: r.grade >= 3.0 or (r.topic in threes and r.grade >= threes[r.topic])
    if kind == "plain-rewrite":
        return lambda r: (r.pair_of in grades
                          and r.grade >= grades[r.pair_of or ""] - REWRITE_LOSS)
    return None


def kind_results(results: Sequence[Result]) -> list[KindResult]:
    """Mean grade and label per kind, and whether each adversarial rule held for every item."""
    by_kind: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        by_kind[r.kind].append(r)
    threes = _honest_threes(results)
    grades = {r.id: r.grade for r in results}
    out = []
    for kind, rs in sorted(by_kind.items()):
        rule = _rule(kind, threes, grades)
        failures = [r.id for r in rs if rule is not None and not rule(r)]
        out.append(KindResult(
            kind=kind, n=len(rs), mean_grade=round(sum(r.grade for r in rs) / len(rs), 3),
            mean_label=round(sum(r.label for r in rs) / len(rs), 3), rule=RULES.get(kind, ""),
            passed=None if rule is None else not failures, failures=failures))
    return out


def style_results(results: Sequence[Result]) -> list[StyleResult]:
    """Mean grade minus mean label for each style of answer the set names."""
    by_style: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        if r.style:
            by_style[r.style].append(r)
    out = []
    for style in sorted(by_style, key=lambda s: (s not in STYLES, STYLES.index(s)
                                                 if s in STYLES else 0, s)):
        rs = by_style[style]
        grade = sum(r.grade for r in rs) / len(rs)
        label = sum(r.label for r in rs) / len(rs)
        bias = round(grade - label, 3)
        out.append(StyleResult(style=style, n=len(rs), mean_grade=round(grade, 3),
                               mean_label=round(label, 3), bias=bias,
                               within=abs(bias) <= STYLE_BIAS + 1e-9))
    return out
