"""What a coach would say across a whole interview: the three things to fix first, drawn from
red flags, skipped questions and the weakest criteria, heaviest first."""

from __future__ import annotations

from collections.abc import Sequence

from interviewer.scoring import CriterionGrade, QuestionCard

FIX_FIRST = 3
HIRE = 3  # criteria below this are worth fixing


def _sentences(text: str) -> list[str]:
    return [s if s.endswith(".") else f"{s}." for s in text.strip().split(". ") if s]


def _advice(c: CriterionGrade) -> str:
    """The first sentence of the tip that the feedback beside it does not already say, so the
    scorecard never reads the same advice twice (or three times) for one criterion."""
    said = c.feedback or ""
    fresh = [s for s in _sentences(c.tip) if s.rstrip(".") not in said]
    return fresh[0] if fresh else ""


def fix_first(cards: Sequence[QuestionCard], unanswered: int) -> list[str]:
    """Up to three things to work on, most damaging first, each said once."""
    out: list[str] = []
    seen: set[str] = set()
    for card in cards:
        for hit in card.red_flags:
            if hit.id not in seen:
                seen.add(hit.id)
                out.append(f"Red flag, {hit.name.lower()}: {hit.why}")
    if unanswered:
        out.append(f"Answer every question: {unanswered} went unanswered, and each counts as "
                   "a 1 in the overall score.")
    weak = sorted(((c, card) for card in cards for c in card.criteria if c.score < HIRE),
                  key=lambda pair: (pair[0].score, -pair[0].weight))
    for c, _ in weak:
        advice = _advice(c)
        if c.id in seen or not advice:
            continue
        seen.add(c.id)
        out.append(f"{c.name}: {advice}")
    return out[:FIX_FIRST]
