"""Trends over time: one series per criterion and one per topic, a point per interview.

An interview that graded a criterion on several questions gives one point, their mean, so a
long loop does not outweigh a one-question drill.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from interviewer.progress.attempts import Attempt
from interviewer.taxonomy import TOPIC_NAMES


@dataclass(frozen=True)
class Point:
    at: datetime
    score: float
    interview_id: str


@dataclass(frozen=True)
class Series:
    key: str
    name: str
    points: tuple[Point, ...]

    @property
    def latest(self) -> float:
        return self.points[-1].score

    @property
    def change(self) -> float:
        """Latest minus first: positive is better."""
        return round(self.points[-1].score - self.points[0].score, 2)


Sample = tuple[str, str, float]  # (key, display name, score)


def _series(attempts: Iterable[Attempt], samples: Callable[[Attempt], list[Sample]]
            ) -> list[Series]:
    """Group samples by key, then by interview (in time order), averaging within one."""
    names: dict[str, str] = {}
    grouped: dict[str, dict[str, list[float]]] = {}
    when: dict[str, datetime] = {}
    for attempt in sorted(attempts, key=lambda a: a.at):
        when.setdefault(attempt.interview_id, attempt.at)
        for key, name, score in samples(attempt):
            names[key] = name
            grouped.setdefault(key, {}).setdefault(attempt.interview_id, []).append(score)
    out = []
    for key, per_interview in grouped.items():
        points = sorted((Point(when[iid], round(sum(s) / len(s), 2), iid)
                         for iid, s in per_interview.items()), key=lambda p: p.at)
        out.append(Series(key, names[key], tuple(points)))
    return sorted(out, key=lambda s: s.name.lower())


def criterion_series(attempts: Iterable[Attempt]) -> list[Series]:
    """Each criterion's score over time, by criterion name."""
    return _series(attempts, lambda a: [(c.id, c.name, float(c.score)) for c in a.criteria])


def topic_series(attempts: Iterable[Attempt]) -> list[Series]:
    """Each topic's overall score over time, by topic name."""
    return _series(attempts,
                   lambda a: [(a.topic, TOPIC_NAMES.get(a.topic, a.topic), a.overall)])
