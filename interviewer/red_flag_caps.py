"""What a red flag does to a grade, whichever grader found it: it caps the criterion it names
(a flag on the topic caps each criterion the topic owns) and holds the whole answer just below
its cap, because the mistake sinks the answer however fluent the rest of it is."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from interviewer.library import SHARED_IDS, TOPIC_CRITERIA
from interviewer.scoring import CriterionGrade, RedFlagHit

# an answer that raises a red flag is at most this much above the flag's cap overall, and
# never below the scale's floor
OVERALL_ABOVE_CAP = -0.5
FLOOR = 1.0
# criteria every topic shares: a flag on "the topic" does not cap how the answer is organised,
# what it weighed, or whether the story is real
NOT_TOPIC_OWN = frozenset({*SHARED_IDS, "story"})


def topic_own(criterion_ids: Iterable[str]) -> set[str]:
    """The criteria a flag on the topic caps: the topic's own, not the shared ones."""
    return {c for c in criterion_ids if c not in NOT_TOPIC_OWN}


def hits_on(criterion_id: str, hits: Sequence[RedFlagHit], topic_ids: set[str]
            ) -> list[RedFlagHit]:
    """The hits that cap this criterion."""
    return [h for h in hits if h.criterion == criterion_id
            or (h.criterion == TOPIC_CRITERIA and criterion_id in topic_ids)]


def cap_on(criterion_id: str, hits: Sequence[RedFlagHit], topic_ids: set[str]) -> int | None:
    """The lowest cap any hit sets on this criterion, if one does."""
    return min((h.cap for h in hits_on(criterion_id, hits, topic_ids)), default=None)


def apply_red_flags(grades: list[CriterionGrade], hits: Sequence[RedFlagHit],
                    topic_ids: set[str]) -> tuple[list[CriterionGrade], float | None]:
    """Cap each flagged criterion and say why in its feedback; and the overall cap the worst
    flag sets (None when nothing was flagged)."""
    if not hits:
        return grades, None
    out = []
    for g in grades:
        mine = hits_on(g.id, hits, topic_ids)
        if mine:
            cap = min(h.cap for h in mine)
            note = " ".join(f"Red flag: {h.name.lower()}. {h.why}" for h in mine)
            g = g.model_copy(update={"score": min(g.score, cap),
                                     "feedback": f"{note} {g.feedback}".strip()})
        out.append(g)
    return out, max(FLOOR, min(h.cap for h in hits) + OVERALL_ABOVE_CAP)
