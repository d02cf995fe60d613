"""Everything a scorecard export holds, as plain JSON-ready data: the interview, the whole
transcript in order, and per question its grade, evidence, gaps, outline and red flags.

Built from the stored record and the scorecard the page shows, so an export says exactly
what the scorecard says; the Markdown and PDF layouts only arrange this document.
"""

from __future__ import annotations

from typing import Any

from interviewer.models.registry import OFFLINE
from interviewer.scoring import QuestionCard, Scorecard
from interviewer.service import Interviews
from interviewer.storage import Record, StoredTurn, now
from interviewer.taxonomy import AREA_NAMES, LEVEL_NAMES, TARGET_NAMES, TOPIC_NAMES
from interviewer.web.views import MODE_INFO, exchanges_by_question

VERSION = 1  # bump when a field changes meaning, so a reader of old exports can tell
_LABELS = {"question": "Question", "follow_up": "Follow-up", "answer": "Answer",
           "clarify": "Clarifying question", "clarification": "Scenario fact",
           "close": "Close", "close_question": "Question about the role",
           "close_answer": "Reply"}


def grader_label(grader: str) -> str:
    """Who graded, in words: the offline grader always says so, an LLM gives its name."""
    names = [g.strip() for g in grader.split(",") if g.strip()]
    return " and ".join("offline grader" if g == OFFLINE else f"LLM grader ({g})"
                        for g in names) or "not graded yet"


def build(record: Record, card: Scorecard, exchanges: dict[str, list[dict[str, Any]]]
          ) -> dict[str, Any]:
    """The export document; `exchanges` is `views.exchanges_by_question` of the record."""
    plan = record.state.plan
    return {
        "format": "platform-pm-interviewer scorecard", "version": VERSION,
        "exported_at": now(),
        "interview": {
            "id": record.id, "created_at": record.created_at, "status": record.status,
            "mode": MODE_INFO.get(plan.mode, (plan.mode,))[0],
            "area": AREA_NAMES.get(plan.area or "", "Mixed areas"),
            "topic": TOPIC_NAMES.get(plan.topic or "", "Mixed topics"),
            "level": TARGET_NAMES.get(plan.level, plan.level), "model": record.model,
        },
        "result": {
            "overall": card.overall, "hire_signal": card.hire_signal, "grader": card.grader,
            "grader_label": grader_label(card.grader), "answered": card.answered,
            "total": card.total, "unanswered": card.unanswered, "fix_first": card.fix_first,
            "usage": card.usage.model_dump(mode="json"),
        },
        "fallbacks": _fallbacks(record, card),
        "transcript": [_turn(t, record) for t in record.turns],
        "questions": [_question(n, q, exchanges.get(q.question_id, []))
                      for n, q in enumerate(card.questions, 1)],
    }


def _turn(stored: StoredTurn, record: Record) -> dict[str, Any]:
    order = {qid: i + 1 for i, qid in enumerate(record.state.plan.question_ids)}
    turn = stored.turn
    label = _LABELS.get(turn.kind, turn.kind)
    if turn.kind == "question":
        label = f"Question {order.get(turn.question_id, 0)}"
    return {"seq": stored.seq, "speaker": "Interviewer" if turn.role == "interviewer" else "You",
            "kind": turn.kind, "label": label, "question_id": turn.question_id,
            "question_number": order.get(turn.question_id, 0), "text": turn.text,
            "at": stored.created_at, "seen_at": stored.seen_at,
            "note": stored.usage.note if stored.usage else ""}


def _question(number: int, q: QuestionCard, said: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "number": number, "id": q.question_id, "question": q.question,
        "area": AREA_NAMES.get(q.area, q.area), "topic": TOPIC_NAMES.get(q.topic, q.topic),
        "overall": q.overall, "signal": LEVEL_NAMES[min(4, max(1, int(q.overall + 0.5)))],
        "grader": q.grader, "grader_label": grader_label(q.grader),
        "criteria": [{"id": c.id, "name": c.name, "score": c.score,
                      "level": LEVEL_NAMES[c.score], "weight": c.weight,
                      "evidence": c.evidence, "feedback": c.feedback, "missing": c.missing,
                      "tip": c.tip} for c in q.criteria],
        "missed": q.missed, "strong_answer": q.strong_answer, "strong_hire": q.strong_hire,
        "weak_answers": q.weak_answers,
        "red_flags": [{"name": r.name, "quote": r.quote, "why": r.why} for r in q.red_flags],
        "flags": q.flags, "notes": q.notes, "uncertain": q.uncertain,
        "exchanges": [{"kind": e["kind"], "prompt": e["prompt"], "answer": e["answer"],
                       "seconds": e["seconds"], "target": e["target"]} for e in said],
    }


def _fallbacks(record: Record, card: Scorecard) -> list[str]:
    """Why a model's work was not used where it was asked for: a grade the offline grader
    gave in the model's place, or an interviewer turn worded from the library instead."""
    out = [n for q in card.questions for n in q.notes if n.startswith("Graded by the offline")]
    out += [f"Turn {t.seq + 1}: {t.usage.note}" for t in record.turns if t.usage and t.usage.note]
    return out


def of_record(service: Interviews, record: Record) -> dict[str, Any]:
    """The export document of a stored interview, with the scorecard the page shows."""
    return build(record, service.scorecard(record.id),
                 exchanges_by_question(record, service.library))
