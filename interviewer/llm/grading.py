"""From the grader model's verdict to a grade the scorecard can trust.

The model's quotes are checked against what the candidate wrote; a quote that is not there,
or that sits in a sentence addressed to the grader, is dropped, and a criterion left without
verified evidence scores at most 2. A red flag the model names counts only with a sentence
the candidate wrote; then it caps its criterion and the overall, as the offline grader's do,
and the scorecard shows it with why it hurts the platform's users.
"""

from __future__ import annotations

from interviewer.library import Criterion, RedFlag
from interviewer.llm.evidence import Quote, locate, verify_quotes
from interviewer.llm.injection import INJECTION_FLAG, injected_spans
from interviewer.llm.schema import CriterionVerdict, GradeVerdict
from interviewer.models.base import GradeRequest
from interviewer.offline.text import split_sentences
from interviewer.red_flag_caps import apply_red_flags, topic_own
from interviewer.scoring import AnswerGrade, CriterionGrade, RedFlagHit

UNVERIFIED_CAP = 2
Spans = list[tuple[int, int]]


def _sentences_around(quote: Quote, answer: str) -> Spans:
    """The whole sentences a quote touches."""
    spans = [(s.start, s.start + len(s.text)) for s in split_sentences(answer)]
    return [(s, e) for s, e in spans if quote.overlaps(s, e)] or [(quote.start, quote.end)]


def injection_spans(verdict: GradeVerdict, answer: str) -> Spans:
    """Sentences that instruct the grader: found in code, plus those the model pointed out."""
    spans = injected_spans(answer)
    for text in verdict.injected_text:
        hit = locate(text, answer)
        if hit is not None:
            spans.extend(_sentences_around(hit, answer))
    return spans


def _criterion(c: Criterion, v: CriterionVerdict, answer: str, injected: Spans
               ) -> tuple[CriterionGrade, int]:
    """The criterion's grade, and how many of the model's quotes were dropped."""
    quotes = [q for q in verify_quotes(v.evidence, answer)
              if not any(q.overlaps(s, e) for s, e in injected)]
    score = v.score if quotes else min(v.score, UNVERIFIED_CAP)
    grade = CriterionGrade(id=c.id, name=c.name, score=score, weight=c.weight,
                           evidence=[q.text for q in quotes], feedback=v.feedback,
                           missing=v.missing, tip=c.tip)
    return grade, len(v.evidence) - len(quotes)


def red_flag_hits(verdict: GradeVerdict, flags: list[RedFlag], answer: str, injected: Spans
                  ) -> tuple[list[RedFlagHit], int]:
    """The red flags the model named that the rubric has and the candidate's own words show
    (the quote found in the answer, outside text addressed to the grader), each once; and how
    many it named that were dropped."""
    known = {f.id: f for f in flags}
    hits: dict[str, RedFlagHit] = {}
    for named in verdict.red_flags:
        flag = known.get(named.id)
        quote = locate(named.quote, answer) if flag is not None else None
        if flag is None or quote is None or any(quote.overlaps(s, e) for s, e in injected):
            continue
        start, end = _sentences_around(quote, answer)[0]  # shown whole, as the offline grader does
        hits.setdefault(flag.id, RedFlagHit(id=flag.id, name=flag.name, criterion=flag.criterion,
                                            cap=flag.cap, quote=answer[start:end].strip(),
                                            why=flag.why.strip()))
    dropped = len({n.id for n in verdict.red_flags}) - len(hits)
    return list(hits.values()), dropped


def _notes(dropped: int, injected: bool, flags_dropped: int = 0) -> list[str]:
    notes = []
    if injected:
        notes.append("Part of the answer addressed the grader instead of answering the "
                     "question; it was ignored and earned no credit.")
    if dropped:
        notes.append(f"{dropped} quote(s) the model cited are not in the answer as written, "
                     f"or are in text addressed to the grader, so they were dropped; a "
                     f"criterion with no verified quote scores at most {UNVERIFIED_CAP}.")
    if flags_dropped:
        notes.append(f"{flags_dropped} red flag(s) the model named are not in the rubric, or "
                     "not backed by a sentence the candidate wrote, so they were not applied.")
    return notes


def build_grade(verdict: GradeVerdict, request: GradeRequest, grader: str) -> AnswerGrade:
    """The grade with only verified evidence, capped scores, and the injection flag."""
    answer = request.answer
    spans = injection_spans(verdict, answer)
    injected = verdict.instructions_to_grader or bool(spans)
    graded = [_criterion(c, verdict.criteria[c.id], answer, spans)
              for c in request.rubric.criteria]
    dropped = sum(n for _, n in graded)
    hits, flags_dropped = red_flag_hits(verdict, request.rubric.red_flags, answer, spans)
    criteria, overall_cap = apply_red_flags(
        [g for g, _ in graded], hits, topic_own(request.rubric.criterion_ids))
    return AnswerGrade(question_id=request.question_id, criteria=criteria,
                       grader=grader, missed=verdict.missed,
                       flags=[INJECTION_FLAG] if injected else [],
                       notes=_notes(dropped, injected, flags_dropped),
                       red_flags=hits, overall_cap=overall_cap)
