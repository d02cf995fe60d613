"""The offline grader: scores each rubric criterion 1 to 4 from what the answer actually says,
quoting the sentences that earned the score."""

from __future__ import annotations

from dataclasses import dataclass, field

from interviewer.models.base import GradeRequest
from interviewer.offline.analysis import Analysed, Reading, question_stems, read_answer
from interviewer.offline.matching import (
    CompiledCriterion,
    CompiledRubric,
    compiled,
    concept_in,
    content_stems,
    positions,
)
from interviewer.offline.text import stems
from interviewer.scoring import AnswerGrade, CriterionGrade

GRADER = "offline"
INJECTION_FLAG = "instructions-to-grader"
OFF_TOPIC_FLAG = "off-topic"
KEYWORD_FLAG = "keyword-list"

MAX_EVIDENCE = 3
# raw credit needed for scores 2, 3 and 4
THRESHOLDS = (0.55, 1.6, 2.9)
NEAR_CREDIT = 0.5  # a concept matched loosely (two of its distinctive words) earns half
REPEAT_CREDIT = 0.15  # a concept named again in another sentence adds a little, once
REASONING_CREDIT = 0.3  # per on-point sentence that gives a reason, up to three
SPECIFIC_CREDIT = 0.25  # once, for numbers or a concrete example on the point
SIGNPOST_CREDIT = 0.3  # structure only: per sentence that signposts the answer's order
OFF_TOPIC_RELEVANCE = 0.35
KEYWORD_PROSE_SHARE = 0.5


@dataclass
class _Tally:
    """What one criterion collected from the answer."""

    credits: dict[int, list[float]] = field(default_factory=dict)
    support: dict[int, float] = field(default_factory=dict)  # sentence index -> best credit
    reasoned: set[int] = field(default_factory=set)
    specific: bool = False
    signposts: int = 0

    def raw(self) -> float:
        coverage = sum(max(v) for v in self.credits.values())
        repeats = sum(REPEAT_CREDIT * sorted(v)[-2] for v in self.credits.values() if len(v) > 1)
        bonus = REASONING_CREDIT * min(3, len(self.reasoned))
        bonus += SPECIFIC_CREDIT * self.specific + SIGNPOST_CREDIT * min(3, self.signposts)
        return coverage + repeats + bonus


def _credit(s: Analysed) -> float:
    return s.quality * (0.75 + 0.25 * s.reasoning)


def _tally(ci: int, crit: CompiledCriterion, sentences: tuple[Analysed, ...]) -> _Tally:
    t = _Tally()
    for i, s in enumerate(sentences):
        if s.padding or (crit.shared and not s.on_topic and s.quality < 1):
            continue
        hits, near = s.hard[ci], s.near[ci]
        if crit.id == "structure" and s.signpost and s.quality >= 0.6:
            t.signposts += 1
            t.support[i] = max(t.support.get(i, 0.0), 0.5)
        if not hits and not near:
            continue
        credit = _credit(s)
        for k in hits:
            t.credits.setdefault(k, []).append(credit)
        for k in near:
            t.credits.setdefault(k, []).append(credit * NEAR_CREDIT)
        t.support[i] = max(t.support.get(i, 0.0), credit * (len(hits) + NEAR_CREDIT * len(near)))
        if s.reasoning and s.quality >= 0.6:
            t.reasoned.add(i)
        t.specific = t.specific or (s.specific and s.quality >= 0.6)
    return t


def _level(raw: float) -> int:
    return 1 + sum(raw >= t for t in THRESHOLDS)


def _join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _feedback(crit: CompiledCriterion, t: _Tally, score: int, cap: str) -> str:
    covered = [crit.concepts[k].name for k in sorted(t.credits, key=lambda k: -max(t.credits[k]))]
    if not covered and not t.signposts:
        text = f"Nothing in the answer addressed {crit.name.lower()}."
    else:
        parts = [f"Covered {_join(covered)}" if covered else "Signposted the order of the answer"]
        if t.reasoned:
            parts.append(f"gave reasons in {len(t.reasoned)} sentence(s)")
        if t.specific:
            parts.append("used concrete numbers or examples")
        text = f"Scored {score}: " + "; ".join(parts) + "."
    return f"{text} {cap}".strip()


def _evidence(t: _Tally, sentences: tuple[Analysed, ...]) -> list[str]:
    best = sorted(t.support, key=lambda i: -t.support[i])[:MAX_EVIDENCE]
    return [sentences[i].sentence.text for i in sorted(best)]


def _cap(crit: CompiledCriterion, reading: Reading, topic_best: int) -> tuple[int, str]:
    """The highest score the answer as a whole allows for this criterion, and why."""
    if _off_topic(reading):
        return 1, "Capped at 1: the answer is mostly about something other than the question."
    if reading.prose_share < KEYWORD_PROSE_SHARE:
        return 2, "Capped at 2: terms are listed rather than explained in sentences."
    if crit.shared and topic_best < 4:
        return topic_best + 1, ""
    return 4, ""


def _off_topic(reading: Reading) -> bool:
    return reading.relevance < OFF_TOPIC_RELEVANCE or (
        reading.topic_concepts == 0 and reading.asked_overlap < 3)


def _grade_criterion(ci: int, crit: CompiledCriterion, reading: Reading,
                     topic_best: int | None = None) -> CriterionGrade:
    t = _tally(ci, crit, reading.sentences)
    evidence = _evidence(t, reading.sentences)
    score = _level(t.raw()) if evidence else 1
    cap, why = _cap(crit, reading, 4 if topic_best is None else topic_best)
    capped = min(score, cap)
    missing = [k.name for i, k in enumerate(crit.concepts) if i not in t.credits]
    return CriterionGrade(
        id=crit.id, name=crit.name, score=capped, weight=crit.weight,
        evidence=evidence if capped > 1 or t.credits else [],
        feedback=_feedback(crit, t, capped, why if capped < score else ""),
        missing=", ".join(missing), tip=crit.tip)


def _empty(request: GradeRequest) -> AnswerGrade:
    criteria = [CriterionGrade(id=c.id, name=c.name, score=1, weight=c.weight,
                               feedback="Nothing was said in the answer, so nothing could earn "
                                        "credit.",
                               missing=", ".join(k.name for k in c.concepts), tip=c.tip)
                for c in request.rubric.criteria]
    return AnswerGrade(question_id=request.question_id, criteria=criteria, grader=GRADER,
                       missed=list(request.strong_answer), notes=["The answer was empty."])


def _concepts_in(text: str, rubric: CompiledRubric) -> set[tuple[int, int]]:
    where = positions(stems(text))
    return {(ci, k) for ci, c in enumerate(rubric.criteria) if not c.shared
            for k, concept in enumerate(c.concepts) if concept_in(concept, where)}


def _strong_points_missed(request: GradeRequest, rubric: CompiledRubric,
                          reading: Reading) -> list[str]:
    """Outline points the answer neither names by concept nor echoes in its own words."""
    said = frozenset().union(*(s.content for s in reading.usable))
    covered = {(ci, k) for s in reading.usable for ci in range(len(rubric.criteria))
               for k in s.hard[ci] | s.near[ci]}
    missed = []
    for point in request.strong_answer:
        point_stems = {s for s in content_stems(point) if len(s) > 2}
        named = _concepts_in(point, rubric)
        echoed = bool(point_stems) and len(point_stems & said) / len(point_stems) >= 0.4
        if not echoed and not (named and named <= covered):
            missed.append(point)
    return missed


def _missed(request: GradeRequest, rubric: CompiledRubric, reading: Reading,
            grades: list[CriterionGrade]) -> list[str]:
    """Strong-answer points not covered, then a few concepts from the weakest criteria."""
    out = _strong_points_missed(request, rubric, reading)
    for g in sorted(grades, key=lambda g: (g.score, -g.weight))[:2]:
        names = [n for n in g.missing.split(", ") if n][:2]
        out.extend(f"{g.name}: {n}" for n in names)
    return out


def _flags_and_notes(reading: Reading) -> tuple[list[str], list[str]]:
    flags, notes = [], []
    if reading.injected:
        flags.append(INJECTION_FLAG)
        notes.append(f"Ignored {len(reading.injected)} sentence(s) addressed to the grader "
                     "instead of answering the question; they earned no credit.")
    if _off_topic(reading):
        flags.append(OFF_TOPIC_FLAG)
        notes.append("Most of the answer is not about the question asked.")
    elif reading.prose_share < KEYWORD_PROSE_SHARE:
        flags.append(KEYWORD_FLAG)
        notes.append("The answer lists terms without explaining them in sentences.")
    return flags, notes


def grade_answer(request: GradeRequest) -> AnswerGrade:
    """Grade one question's answers against its rubric, offline and deterministically."""
    if not request.answer.strip():
        return _empty(request)
    rubric = compiled(request.rubric)
    asked = question_stems(request.question_text, request.strong_answer)
    reading = read_answer(request.answer, rubric, asked)
    own = {ci: _grade_criterion(ci, c, reading)
           for ci, c in enumerate(rubric.criteria) if not c.shared}
    topic_best = max((g.score for g in own.values()), default=4)
    grades = [own.get(ci) or _grade_criterion(ci, c, reading, topic_best)
              for ci, c in enumerate(rubric.criteria)]
    flags, notes = _flags_and_notes(reading)
    return AnswerGrade(question_id=request.question_id, criteria=grades, grader=GRADER,
                       missed=_missed(request, rubric, reading, grades), flags=flags, notes=notes)
