"""Two attempts at one question side by side: how each criterion's score moved, and which
quotes earned credit in one attempt and not in the other."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from interviewer.progress.attempts import Attempt, CriterionScore

Direction = Literal["up", "down", "same", "new", "gone"]


@dataclass(frozen=True)
class CriterionChange:
    id: str
    name: str
    before: int | None
    after: int | None
    gained: tuple[str, ...]  # quotes credited in the later attempt only
    lost: tuple[str, ...]  # quotes credited in the earlier attempt only

    @property
    def delta(self) -> int:
        if self.before is None or self.after is None:
            return 0
        return self.after - self.before

    @property
    def direction(self) -> Direction:
        if self.before is None:
            return "new"
        if self.after is None:
            return "gone"
        return "up" if self.delta > 0 else "down" if self.delta < 0 else "same"


@dataclass(frozen=True)
class Comparison:
    before: Attempt
    after: Attempt
    changes: tuple[CriterionChange, ...]

    @property
    def overall_delta(self) -> float:
        return round(self.after.overall - self.before.overall, 2)


def quote_key(quote: str) -> str:
    """Quotes match whatever their spacing, case and closing punctuation."""
    return " ".join(quote.lower().split()).rstrip(".!?;,")


def moved(mine: Sequence[str], theirs: Sequence[str]) -> tuple[str, ...]:
    """The quotes in `mine` that `theirs` does not have, in order, each once."""
    seen = {quote_key(q) for q in theirs}
    out: list[str] = []
    for quote in mine:
        key = quote_key(quote)
        if key and key not in seen:
            seen.add(key)
            out.append(quote)
    return tuple(out)


def _change(cid: str, before: CriterionScore | None, after: CriterionScore | None
            ) -> CriterionChange:
    old = before.evidence if before else ()
    new = after.evidence if after else ()
    name = (after or before).name if (after or before) else cid
    return CriterionChange(cid, name, before.score if before else None,
                           after.score if after else None, moved(new, old), moved(old, new))


def compare(before: Attempt, after: Attempt) -> Comparison:
    """Criterion by criterion, in the later attempt's rubric order, then any it dropped."""
    if before.question_id != after.question_id:
        raise ValueError("only attempts at the same question can be compared")
    ids = [c.id for c in after.criteria] + [c.id for c in before.criteria
                                            if after.criterion(c.id) is None]
    return Comparison(before, after, tuple(_change(cid, before.criterion(cid),
                                                   after.criterion(cid)) for cid in ids))


def attempts_of(attempts: Sequence[Attempt], question_id: str) -> list[Attempt]:
    """The attempts at one question, oldest first."""
    return sorted((a for a in attempts if a.question_id == question_id), key=lambda a: a.at)
