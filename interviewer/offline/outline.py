"""How much of a question's strong-answer outline an answer covers, point by point, in any
words: each outline point's meaningful stems, weighted by how rare they are across the
library's outlines (a word every outline uses says little about which point is meant), met by
the answer's own stems or the terms its everyday expressions stand for (synonyms.yaml). The
share is per point, not per word, so it does not grow with the answer's length: a short answer
that touches every point reads as high as a long one, and an essay on one point reads low."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from functools import cache

from interviewer.offline.matching import GENERIC_STEMS, content_stems

# A point counts as fully covered once the answer meets this share of its idf-weighted stems;
# below it, in proportion (a point half met at 0.5 counts 1.0; at 0.25, 0.5).
POINT_FULL = 0.5


def point_stems(text: str) -> frozenset[str]:
    """The stems that say what an outline point is about: no function or generic words."""
    return frozenset(s for s in content_stems(text) if len(s) > 2 and s not in GENERIC_STEMS)


def idf_table(outlines: Iterable[Sequence[str]]) -> tuple[dict[str, float], float]:
    """Inverse document frequency of each stem over outline points (each point a document),
    and the weight of a stem no point uses (the rarest)."""
    df: dict[str, int] = {}
    n = 0
    for outline in outlines:
        for point in outline:
            n += 1
            for s in point_stems(point):
                df[s] = df.get(s, 0) + 1
    top = math.log((n + 1) / 1)
    return {s: math.log((n + 1) / (d + 1)) + 0.1 for s, d in df.items()}, top + 0.1


@cache
def library_idf() -> tuple[dict[str, float], float]:
    """The idf table over every outline in the shipped library (loaded once per process)."""
    from interviewer.library import default_library

    return idf_table(q.strong_answer for q in default_library().questions.values())


def point_coverage(point: frozenset[str], said: frozenset[str] | set[str],
                   idf: tuple[dict[str, float], float]) -> float:
    """0 to 1: how much of one point the answer says, by idf weight, full at POINT_FULL."""
    weights, rarest = idf
    total = sum(weights.get(s, rarest) for s in point)
    if total <= 0:
        return 0.0
    met = sum(weights.get(s, rarest) for s in point if s in said)
    return min(1.0, met / total / POINT_FULL)


def outline_share(outline: Sequence[str], said: frozenset[str] | set[str],
                  idf: tuple[dict[str, float], float] | None = None) -> float:
    """The mean coverage of the outline's points (0 with no outline): the share of what the
    question's author said a strong answer covers that this answer touches, in any words."""
    points = [p for p in (point_stems(t) for t in outline) if p]
    if not points:
        return 0.0
    idf = idf or library_idf()
    return sum(point_coverage(p, said, idf) for p in points) / len(points)
