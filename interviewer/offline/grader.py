"""The offline grader: scores each rubric criterion 1 to 4 from what the answer actually says,
quoting the sentences that earned the score."""

from __future__ import annotations

from bisect import bisect_left

from interviewer.models.base import GradeRequest
from interviewer.offline.analysis import Reading, question_stems, read_answer
from interviewer.offline.criteria import Tally, kind_of, level, raw_score, tally
from interviewer.offline.matching import (
    CompiledCriterion,
    CompiledRubric,
    compiled,
    concept_in,
    content_stems,
    positions,
)
from interviewer.offline.red_flags import apply_red_flags, find_red_flags
from interviewer.offline.text import split_sentences, stems
from interviewer.scoring import AnswerGrade, CriterionGrade

GRADER = "offline"
INJECTION_FLAG = "instructions-to-grader"
OFF_TOPIC_FLAG = "off-topic"
KEYWORD_FLAG = "keyword-list"
SHALLOW_FLAG = "generic"
RED_FLAG = "red-flag"

MAX_EVIDENCE = 3
SOLID_SUBSTANCE = 0.5  # a sentence this substantive can stand as evidence on its own
MAX_MISSED_CONCEPTS = 4
# relevance = share of the answer's sentences covered by a run of sentences on the question
# (sentences only partly covered already earn proportionally less credit)
OFF_TOPIC_RELEVANCE = 0.49  # below: most of the answer is about something else, capped at 1
PARTLY_RELEVANT = 0.56  # below: much of it is, capped at 2
KEYWORD_PROSE_SHARE = 0.5
GENERIC = 0.5  # above this generic score (hedged sentences + abstract words) the answer is shallow
# The work budget: an answer's sentences past this many are not read. A 20,000-character
# answer in prose has about 200; only pasted lists or one word a line reach it, and without
# it such an answer, re-read with each follow-up, held a worker for seconds.
MAX_SENTENCES = 400


def off_topic(reading: Reading) -> bool:
    """Mostly about another subject: few sentences belong to a run about the question."""
    return reading.relevance < OFF_TOPIC_RELEVANCE or not reading.sentences


def _cap(crit: CompiledCriterion, reading: Reading, topic_best: int) -> tuple[int, str]:
    """The highest score the answer as a whole allows for this criterion, and why."""
    if off_topic(reading):
        return 1, "Capped at 1: the answer is mostly about something other than the question."
    if reading.relevance < PARTLY_RELEVANT:
        return 2, "Capped at 2: much of the answer is about something other than the question."
    if reading.prose_share < KEYWORD_PROSE_SHARE:
        return 2, "Capped at 2: terms are listed rather than explained in sentences."
    if reading.generic > GENERIC:
        return 2, "Capped at 2: the answer stays general and commits to no concrete mechanism."
    if kind_of(crit) != "topic" and topic_best < 4:
        return topic_best + 1, "Held near the topic criteria: organisation cannot outrun content."
    return 4, ""


def _join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _depth_note(reading: Reading) -> str:
    solid = [s for s in reading.sentences if s.substance >= SOLID_SUBSTANCE]
    if not solid:
        return ""
    reasons = sum(s.reasoning for s in solid)
    concrete = sum(s.specific for s in solid)
    return (f"{len(solid)} concrete sentence(s) on the question back it ({reasons} with a "
            f"reason, {concrete} with numbers or measures)")


def _feedback(crit: CompiledCriterion, t: Tally, score: int, reading: Reading, cap: str) -> str:
    """What earned the score: concepts explained, reasons, specifics and the answer's depth."""
    covered = [crit.concepts[k].name for k in sorted(t.credits, key=lambda k: -max(t.credits[k]))]
    parts = [f"explained {_join(covered)}"] if covered else []
    if t.reasoned:
        parts.append(f"gave reasons in {len(t.reasoned)} of those sentence(s)")
    parts.extend(t.notes)
    depth = _depth_note(reading) if score > 1 else ""
    if depth:
        parts.append(depth)
    if not parts:
        text = f"Nothing in the answer addressed {crit.name.lower()}."
    else:
        text = f"Scored {score}: " + "; ".join(parts) + "."
    return f"{text} {cap}".strip()


def _evidence(t: Tally, reading: Reading) -> list[str]:
    """Up to three supporting sentences, full sentences first, quoted in answer order."""
    sentences = reading.sentences
    support = {i: w for i, w in t.support.items() if sentences[i].quality >= 0.6} or dict(t.support)
    if len(support) < MAX_EVIDENCE:
        ranked = sorted(range(len(sentences)), key=lambda i: -sentences[i].substance)
        for i in ranked[:MAX_EVIDENCE - len(support)]:
            if sentences[i].substance >= SOLID_SUBSTANCE:
                support.setdefault(i, 0.0)
    best = sorted(support, key=lambda i: -support[i])[:MAX_EVIDENCE]
    return [sentences[i].sentence.text for i in sorted(best)]


def _grade_criterion(ci: int, crit: CompiledCriterion, reading: Reading, blocks: int,
                     topic_best: int = 4) -> CriterionGrade:
    t = tally(ci, crit, reading, blocks)
    evidence = _evidence(t, reading)
    earned = level(crit, raw_score(crit, t, reading), len(evidence))
    cap, why = _cap(crit, reading, topic_best)
    score = min(earned, cap)
    missing = [k.name for i, k in enumerate(crit.concepts) if i not in t.credits]
    return CriterionGrade(
        id=crit.id, name=crit.name, score=score, weight=crit.weight,
        evidence=evidence if score > 1 or t.credits else [],
        feedback=_feedback(crit, t, score, reading, why if score < earned else ""),
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
    concepts = []
    for g in sorted(grades, key=lambda g: (g.score, -g.weight)):
        concepts.extend(f"{g.name}: {n}" for n in g.missing.split(", ")[:2] if n)
    return out + concepts[:MAX_MISSED_CONCEPTS]


def _flags_and_notes(reading: Reading) -> tuple[list[str], list[str]]:
    flags, notes = [], []
    if reading.injected:
        flags.append(INJECTION_FLAG)
        notes.append(f"Ignored {len(reading.injected)} sentence(s) addressed to the grader "
                     "instead of answering the question; they earned no credit.")
    if not reading.sentences:
        notes.append("Nothing that answers the question remained to grade.")
    elif off_topic(reading):
        flags.append(OFF_TOPIC_FLAG)
        notes.append("Most of the answer is not about the question asked.")
    elif reading.relevance < PARTLY_RELEVANT:
        notes.append("Much of the answer is not about the question asked; only the part that "
                     "is earned credit.")
    elif reading.prose_share < KEYWORD_PROSE_SHARE:
        flags.append(KEYWORD_FLAG)
        notes.append("The answer lists terms without explaining them in sentences.")
    elif reading.generic > GENERIC:
        flags.append(SHALLOW_FLAG)
        notes.append("The answer speaks in general principles; name concrete mechanisms, "
                     "numbers and decisions.")
    return flags, notes


def _blocks(answer: str, reading: Reading) -> int:
    """How many paragraphs or list items the kept sentences are laid out in."""
    breaks = [i for i, ch in enumerate(answer) if ch == "\n"]
    return len({bisect_left(breaks, s.sentence.start) for s in reading.sentences})


def _within_budget(request: GradeRequest) -> tuple[str, int]:
    """The answers as they are graded, each cut after MAX_SENTENCES sentences, and how many
    were cut."""
    parts, cut = [], 0
    for exchange in request.exchanges:
        sentences = split_sentences(exchange.answer)
        if len(sentences) > MAX_SENTENCES:
            last = sentences[MAX_SENTENCES - 1]
            parts.append(exchange.answer[:last.start + len(last.text)])
            cut += 1
        else:
            parts.append(exchange.answer)
    return "\n\n".join(parts), cut


def grade_answer(request: GradeRequest) -> AnswerGrade:
    """Grade one question's answers against its rubric, offline and deterministically."""
    answer, cut = _within_budget(request)
    if not answer.strip():
        return _empty(request)
    rubric = compiled(request.rubric)
    asked = question_stems(request.question_text, request.strong_answer)
    reading = read_answer(answer, rubric, asked)
    blocks = _blocks(answer, reading)
    own = {ci: _grade_criterion(ci, c, reading, blocks)
           for ci, c in enumerate(rubric.criteria) if kind_of(c) == "topic" and not c.shared}
    topic_best = max((g.score for g in own.values()), default=4)
    grades = [own.get(ci) or _grade_criterion(ci, c, reading, blocks, topic_best)
              for ci, c in enumerate(rubric.criteria)]
    hits = find_red_flags(request.rubric.red_flags, reading)
    grades, overall_cap = apply_red_flags(grades, hits)
    flags, notes = _flags_and_notes(reading)
    if cut:
        notes.append(f"Only the first {MAX_SENTENCES} sentences of an answer are graded; "
                     "the rest of a longer one earned no credit.")
    if hits:
        flags.append(RED_FLAG)
    return AnswerGrade(question_id=request.question_id, criteria=grades, grader=GRADER,
                       missed=_missed(request, rubric, reading, grades), flags=flags, notes=notes,
                       red_flags=hits, overall_cap=overall_cap)
