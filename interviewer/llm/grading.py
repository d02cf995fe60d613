"""From the grader model's verdict to a grade the scorecard can trust.

The model's quotes are checked against what the candidate wrote; a quote that is not there,
or that sits in a sentence addressed to the grader, is dropped, and a criterion left without
verified evidence scores at most 2.
"""

from __future__ import annotations

from interviewer.library import Criterion
from interviewer.llm.evidence import Quote, locate, verify_quotes
from interviewer.llm.injection import INJECTION_FLAG, injected_spans
from interviewer.llm.schema import CriterionVerdict, GradeVerdict
from interviewer.models.base import GradeRequest
from interviewer.offline.text import split_sentences
from interviewer.scoring import AnswerGrade, CriterionGrade

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


def _notes(dropped: int, injected: bool) -> list[str]:
    notes = []
    if injected:
        notes.append("Part of the answer addressed the grader instead of answering the "
                     "question; it was ignored and earned no credit.")
    if dropped:
        notes.append(f"{dropped} quote(s) the model cited are not in the answer as written, "
                     f"or are in text addressed to the grader, so they were dropped; a "
                     f"criterion with no verified quote scores at most {UNVERIFIED_CAP}.")
    return notes


def build_grade(verdict: GradeVerdict, request: GradeRequest, grader: str) -> AnswerGrade:
    """The grade with only verified evidence, capped scores, and the injection flag."""
    answer = request.answer
    spans = injection_spans(verdict, answer)
    injected = verdict.instructions_to_grader or bool(spans)
    graded = [_criterion(c, verdict.criteria[c.id], answer, spans)
              for c in request.rubric.criteria]
    dropped = sum(n for _, n in graded)
    return AnswerGrade(question_id=request.question_id, criteria=[g for g, _ in graded],
                       grader=grader, missed=verdict.missed,
                       flags=[INJECTION_FLAG] if injected else [],
                       notes=_notes(dropped, injected))
