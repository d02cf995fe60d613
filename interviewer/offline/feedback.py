"""What the offline grader says about one criterion, as a coach would say it: what worked in
this answer and what to add next time. No counts, weights or scores: the page shows the score.

"Missing" never contradicts the praise beside it: a concept the answer touched anywhere, or one
a recipe note already credits, is not listed as missing."""

from __future__ import annotations

from interviewer.offline.analysis import Reading
from interviewer.offline.criteria import Tally
from interviewer.offline.matching import CompiledConcept, CompiledCriterion, content_stems

MAX_PRAISED = 3
MAX_TO_ADD = 2


def _first_sentence(text: str) -> str:
    text = text.strip()
    end = text.find(". ")
    return text if end < 0 else text[:end + 1]


def _stems(text: str) -> set[str]:
    return {s for s in content_stems(text) if len(s) > 3}


def missing_concepts(ci: int, crit: CompiledCriterion, t: Tally, reading: Reading) -> list[str]:
    """Concepts the answer did not touch at all, in rubric order."""
    touched = set(t.credits)
    for s in reading.sentences:
        touched |= s.hard[ci] | s.near[ci]
    noted = set().union(*(_stems(n) for n in t.notes)) if t.notes else set()
    return [k.name for i, k in enumerate(crit.concepts)
            if i not in touched and not (_stems(k.name) & noted)]


def coach(crit: CompiledCriterion, t: Tally, score: int, missing: list[str], cap: str) -> str:
    """One or two sentences: what worked, then what would lift it (or why it is held)."""
    covered = [crit.concepts[k].name for k in sorted(t.credits, key=lambda k: -max(t.credits[k]))]
    worked = covered[:MAX_PRAISED]
    parts = []
    if worked:
        reasons = ", with reasons" if t.reasoned else ""
        parts.append(f"What worked: you covered {'; '.join(worked)}{reasons}.")
    parts.extend(f"{n[0].upper()}{n[1:]}." for n in t.notes)
    if not parts:
        parts.append(f"The answer did not yet speak to {crit.name.lower()}.")
    if cap:
        parts.append(cap)
    elif score < 4 and missing[1:]:
        # The tip beside this shows how missing[0] sounds; naming it here too says it twice
        # (and with one concept missing, the whole "work on" list would be the tip again).
        parts.append(f"To lift it, also work on: {'; '.join(missing[1:1 + MAX_TO_ADD])}.")
    return " ".join(parts)


def _examples(concept: CompiledConcept, n: int = 2) -> list[str]:
    """Up to n of the concept's own phrasings that say different things, longer ones first
    ("free tier" and "enterprise plan", not "tier" and "paid tier")."""
    picked: list[str] = []
    used: set[str] = set()
    for phrase in sorted(concept.wording, key=lambda p: len(p.split()) < 2):
        stems = set(content_stems(phrase))
        if stems and not stems & used:
            picked.append(phrase)
            used |= stems
        if len(picked) == n:
            break
    return picked


def _way_in(concept: CompiledConcept) -> str:
    """What a coach says about one missing concept: how it sounds when an answer makes it."""
    examples = " or ".join(f'"{e}"' for e in _examples(concept))
    if not examples:
        return f"Next time, say what you would do about {concept.name}, and why."
    return (f"Next time, on {concept.name}: say something concrete, such as {examples}, and "
            "why it fits this case.")


def tip_for(crit: CompiledCriterion, score: int, missing: list[str]) -> str:
    """The criterion's tip, aimed at what this answer lacked, so it changes with the answer.

    The tip shows how the first missing concept sounds in an answer; the feedback beside it
    names only the others, so neither says the other's words again. Below a 3 it opens with the
    criterion's own advice, which is also what "Fix these first" quotes."""
    if not missing or score >= 4:
        return crit.tip.strip()
    concept = next((k for k in crit.concepts if k.name == missing[0]), None)
    way_in = _way_in(concept) if concept else ""
    if score >= 3:
        return way_in or crit.tip.strip()
    return f"{_first_sentence(crit.tip)} {way_in}".strip()
