"""Agreement between a grader and expert labels: QWK, Spearman, exact and adjacent
agreement, confusion matrix and ranking within questions. Plain functions over numbers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def to_level(score: float) -> int:
    """A float score rounded half up to a whole level 1 to 4."""
    return min(4, max(1, int(score + 0.5)))


def confusion_matrix(labels: Sequence[int], grades: Sequence[int], k: int = 4) -> list[list[int]]:
    """Counts with rows as the label (1..k) and columns as the grade (1..k)."""
    m = [[0] * k for _ in range(k)]
    for a, b in zip(labels, grades, strict=True):
        m[a - 1][b - 1] += 1
    return m


def quadratic_weighted_kappa(labels: Sequence[int], grades: Sequence[int], k: int = 4) -> float:
    """Cohen's kappa with quadratic weights over levels 1..k; 1 is perfect agreement."""
    n = len(labels)
    if n == 0:
        return 0.0
    observed = confusion_matrix(labels, grades, k)
    rows = [sum(r) for r in observed]
    cols = [sum(observed[i][j] for i in range(k)) for j in range(k)]
    num = den = 0.0
    for i in range(k):
        for j in range(k):
            w = (i - j) ** 2 / (k - 1) ** 2
            num += w * observed[i][j]
            den += w * rows[i] * cols[j] / n
    if den == 0:
        return 1.0 if num == 0 else 0.0
    return 1.0 - num / den


def average_ranks(values: Sequence[float]) -> list[float]:
    """Ranks from 1, with tied values sharing the mean of the ranks they span."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for t in range(i, j + 1):
            ranks[order[t]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def pearson(x: Sequence[float], y: Sequence[float]) -> float:
    """Pearson correlation; 0 when either side has no variance."""
    n = len(x)
    if n < 2:
        return 0.0
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    if sxx == 0 or syy == 0:
        return 0.0
    return sxy / (sxx * syy) ** 0.5


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    """Spearman rank correlation, ties given average ranks."""
    return pearson(average_ranks(x), average_ranks(y))


def agreement(labels: Sequence[int], grades: Sequence[int]) -> tuple[float, float]:
    """Share of exact matches and of matches within one level."""
    if not labels:
        return 0.0, 0.0
    pairs = list(zip(labels, grades, strict=True))
    exact = sum(a == b for a, b in pairs) / len(pairs)
    adjacent = sum(abs(a - b) <= 1 for a, b in pairs) / len(pairs)
    return exact, adjacent


def ranking_accuracy(groups: Iterable[Sequence[tuple[float, float]]]) -> tuple[float, int]:
    """Within each group of (label, grade) pairs: the share of differently labelled pairs the
    grader orders the same way (grader ties count half), and how many pairs there were."""
    agree = 0.0
    total = 0
    for group in groups:
        for i, (la, ga) in enumerate(group):
            for lb, gb in group[i + 1:]:
                if la == lb:
                    continue
                total += 1
                if ga == gb:
                    agree += 0.5
                elif (ga > gb) == (la > lb):
                    agree += 1
    return (agree / total if total else 1.0), total
