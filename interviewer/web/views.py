"""Turning stored interviews into the plain dicts the templates show."""

from __future__ import annotations

from typing import Any

from interviewer.engine import MODES
from interviewer.library import Library
from interviewer.models.registry import OFFLINE, describe
from interviewer.service import Current, Interviews
from interviewer.storage import Record
from interviewer.taxonomy import AREA_NAMES, LEVEL_NAMES, TARGET_NAMES, TOPIC_NAMES

MODE_INFO = {
    "full": ("Full mock interview", "A loop mixing areas and topics, like a real onsite."),
    "area": ("Practise one area", "Several questions from the platform area you pick."),
    "topic": ("Practise one topic", "Drill one skill, e.g. rate limiting, across areas."),
    "single": ("One question", "Answer one question and get rubric feedback on it."),
}


def grader_label(grader: str) -> str:
    """How a scorecard names who graded it; the offline grader always says so."""
    names = [g.strip() for g in grader.split(",") if g.strip()]
    labels = ["offline grader" if g == OFFLINE else f"LLM grader ({g})" for g in names]
    return " and ".join(labels) or "not graded yet"


def home_context(library: Library) -> dict[str, Any]:
    any_option = [{"value": "", "label": "Any"}]
    return {
        "modes": [{"value": m, "label": MODE_INFO[m][0], "help": MODE_INFO[m][1]} for m in MODES],
        "areas": any_option + [{"value": k, "label": v} for k, v in AREA_NAMES.items()],
        "topics": any_option + [{"value": k, "label": v} for k, v in TOPIC_NAMES.items()],
        "questions": [{"id": q.id, "label": f"{AREA_NAMES[q.area]} · {TOPIC_NAMES[q.topic]} · "
                       f"{TARGET_NAMES[q.level]}: {_short(q.text)}"}
                      for q in library.questions.values()],
        "levels": [{"value": k, "label": TARGET_NAMES[k], "bar": bar.bar}
                   for k, bar in library.levels.items()],
    }


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def interview_summary(record: Record) -> dict[str, Any]:
    plan = record.state.plan
    return {
        "id": record.id,
        "status": record.status,
        "mode_label": MODE_INFO.get(plan.mode, (plan.mode,))[0],
        "area_label": AREA_NAMES.get(plan.area or "", "Mixed areas"),
        "topic_label": TOPIC_NAMES.get(plan.topic or "", "Mixed topics"),
        "model": describe(record.model),
        "created_at": record.created_at,
    }


def transcript(record: Record) -> list[dict[str, Any]]:
    order = {qid: i + 1 for i, qid in enumerate(record.state.plan.question_ids)}
    return [{"role": t.turn.role, "kind": t.turn.kind, "text": t.turn.text, "seq": t.seq,
             "question_number": order.get(t.turn.question_id, 0)} for t in record.turns]


def current_view(cur: Current | None) -> dict[str, Any] | None:
    if cur is None:
        return None
    return {"kind": cur.kind, "text": cur.text, "question_id": cur.question_id,
            "number": cur.number, "total": cur.total, "started_at": cur.started_at,
            "turn": cur.turn}


def interview_context(service: Interviews, record: Record) -> dict[str, Any]:
    answered = sum(1 for qid in record.state.plan.question_ids if qid in record.state.grades)
    return {
        "interview": interview_summary(record),
        "turns": transcript(record),
        "current": current_view(service.current(record)),
        "progress": {"answered": answered, "total": len(record.state.plan.question_ids)},
        "grading": False,  # True while the page's stream grades the stored answer
    }


def scorecard_context(service: Interviews, record: Record) -> dict[str, Any]:
    card = service.scorecard(record.id)
    data = card.model_dump()
    data["grader_label"] = grader_label(card.grader)
    data["level_label"] = TARGET_NAMES.get(card.level, card.level)
    return {"interview": interview_summary(record), "card": data, "level_names": LEVEL_NAMES}


def history_rows(service: Interviews, owner: str, after: str | None = None
                 ) -> tuple[list[dict[str, Any]], str | None]:
    """One page of the owner's History, and the cursor of the next page (None: the last)."""
    records, cursor = service.store.list_page(owner, after)
    rows = []
    for record in records:
        card = service.scorecard(record.id)
        graded = bool(card.questions)
        rows.append({**interview_summary(record),
                     "overall": card.overall if graded else None,
                     "hire_signal": card.hire_signal if graded else None,
                     "answered": len(card.questions),
                     "total": len(record.state.plan.question_ids)})
    return rows, cursor


CALIBRATE_COMMAND = "interviewer calibrate --model offline --set calibration/answers.jsonl"


def calibration_context(service: Interviews, owner: str) -> dict[str, Any]:
    """The latest calibration run, shaped for the page, or None when there is none yet."""
    from interviewer.calibration import CalibrationReport

    latest = service.store.latest_calibration(owner)
    if latest is None:
        return {"report": None, "command": CALIBRATE_COMMAND}
    created_at, set_path, raw = latest
    report = CalibrationReport.model_validate_json(raw)
    overall = report.overall
    return {"command": CALIBRATE_COMMAND, "report": {
        "model": report.model, "set_path": set_path, "created_at": created_at,
        "n_items": report.n, "ranking_accuracy": report.ranking, "confusion": report.confusion,
        "fallbacks": report.fallbacks, "fallback_note": report.fallback_note(),
        "overall": {"qwk": overall.qwk, "spearman": overall.spearman, "exact": overall.exact,
                    "adjacent": overall.adjacent},
        "per_criterion": [{"criterion": cid, "n": a.n, "qwk": a.qwk, "spearman": a.spearman,
                           "exact": a.exact, "adjacent": a.adjacent}
                          for cid, a in report.criteria.items()],
        "adversarial": [{"kind": k.kind, "n": k.n, "mean_score": k.mean_grade, "rule": k.rule,
                         "passed": k.passed} for k in report.kinds if k.passed is not None],
        "slowest": [{"id": s.id, "ms": s.ms} for s in report.slowest],
    }}
