"""Turning stored interviews into the plain dicts the templates show."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from interviewer import conversation
from interviewer.engine import CLOSE_KINDS, MODES
from interviewer.library import Library
from interviewer.models.registry import OFFLINE, describe
from interviewer.offline.confidence import OFFLINE_LIMITS
from interviewer.service import BadAnswer, Current, Interviews
from interviewer.storage import Record, now
from interviewer.taxonomy import AREA_NAMES, LEVEL_NAMES, TARGET_NAMES, TOPIC_NAMES

MODE_INFO = {
    "full": ("Full mock interview", "A loop mixing areas and topics, like a real onsite."),
    "area": ("Practise one area", "Several questions from the platform area you pick."),
    "topic": ("Practise one topic", "Drill one skill, e.g. rate limiting, across areas."),
    "single": ("One question", "Answer one question and get rubric feedback on it."),
}


def _grader_names(grader: str) -> list[str]:
    """Who graded a scorecard: its `grader` field lists each grader, comma-separated."""
    return [g.strip() for g in grader.split(",") if g.strip()]


def grader_label(grader: str) -> str:
    """How a scorecard names who graded it; the offline grader always says so."""
    labels = ["offline grader" if g == OFFLINE else f"LLM grader ({g})"
              for g in _grader_names(grader)]
    return " and ".join(labels) or "not graded yet"


def grader_limits(grader: str) -> str:
    """What a scorecard says once about the offline grader's limits, if it graded any of it."""
    return OFFLINE_LIMITS if OFFLINE in _grader_names(grader) else ""


def home_context(library: Library, practised: frozenset[str] = frozenset(),
                 today: date | None = None) -> dict[str, Any]:
    any_option = [{"value": "", "label": "Any"}]
    return {
        "modes": [{"value": m, "label": MODE_INFO[m][0], "help": MODE_INFO[m][1]} for m in MODES],
        "areas": any_option + [{"value": k, "label": v} for k, v in AREA_NAMES.items()],
        "topics": any_option + [{"value": k, "label": v} for k, v in TOPIC_NAMES.items()],
        "question_groups": question_groups(library, practised),
        "practised_count": len(practised & set(library.questions)),
        "daily": daily_question(library, today or date.today()),
        "levels": [{"value": k, "label": TARGET_NAMES[k], "bar": bar.bar}
                   for k, bar in library.levels.items()],
    }


def question_groups(library: Library, practised: frozenset[str]) -> list[dict[str, Any]]:
    """The picker's questions grouped by area and topic, each marked if already practised."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for q in sorted(library.questions.values(), key=lambda q: (q.area, q.topic, q.id)):
        done = q.id in practised
        groups.setdefault((q.area, q.topic), []).append(
            {"id": q.id, "text": q.text, "done": done,
             "label": ("✓ " if done else "") + _short(q.text)})
    return [{"label": f"{AREA_NAMES[a]} · {TOPIC_NAMES[t]}", "questions": qs}
            for (a, t), qs in groups.items()]


def daily_question(library: Library, today: date) -> dict[str, Any]:
    """The same question for everyone on a given day, a new one the next."""
    ordered = sorted(library.questions)
    q = library.question(ordered[today.toordinal() % len(ordered)])
    return {"id": q.id, "text": q.text, "area": AREA_NAMES[q.area], "topic": TOPIC_NAMES[q.topic]}


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


def _seconds_between(start: str, end: str) -> int | None:
    try:
        return max(0, int((datetime.fromisoformat(end) - datetime.fromisoformat(start))
                          .total_seconds()))
    except ValueError:
        return None


def exchanges_by_question(record: Record, library: Library) -> dict[str, list[dict[str, Any]]]:
    """Every interviewer prompt on each question with the reply to it, in order, and how
    long the reply took (from when the prompt was put to the candidate to the answer)."""
    out: dict[str, list[dict[str, Any]]] = {}
    prompt = None
    for stored in record.turns:
        turn = stored.turn
        if turn.clarifying:  # scenario facts asked for; the answer still replies to the prompt
            continue
        if turn.role == "interviewer":
            prompt = stored if turn.kind != "close" else None
        elif prompt is not None:
            out.setdefault(turn.question_id, []).append({
                "kind": prompt.turn.kind, "prompt": prompt.turn.text, "answer": turn.text,
                "seconds": _seconds_between(prompt.seen_at or prompt.created_at,
                                            stored.created_at),
                "target": _target(library, prompt.turn.kind, turn.question_id)})
            prompt = None
    return out


def _target(library: Library, kind: str, question_id: str) -> int:
    """The target time for a prompt: a follow-up's, or its question's kind's."""
    if kind == "follow_up" or question_id not in library.questions:
        return conversation.target_seconds("follow_up" if kind == "follow_up" else None)
    return conversation.target_seconds(library.question(question_id).kind)


def close_context(record: Record) -> dict[str, Any]:
    """The close: the questions the candidate asked about the role, each with its answer
    from conversation.yaml (stored in the transcript), and the common ones to pick from."""
    asked: list[dict[str, str]] = []
    for t in (s.turn for s in record.turns if s.turn.kind in CLOSE_KINDS):
        if t.kind == "close_question":  # stored first: a reply lost to a crash shows as none
            asked.append({"ask": t.text, "answer": ""})
        elif asked:
            asked[-1]["answer"] = t.text
    return {"asked": asked, "questions": [c.question for c in conversation.close_questions()]}


def current_view(cur: Current | None, library: Library | None = None) -> dict[str, Any] | None:
    if cur is None:
        return None
    target = _target(library, cur.kind, cur.question_id) if library else None
    return {"kind": cur.kind, "text": cur.text, "question_id": cur.question_id,
            "number": cur.number, "total": cur.total, "started_at": cur.started_at,
            "elapsed": _seconds_between(cur.started_at, now()) or 0,
            "turn": cur.turn, "target": target}


def interview_context(service: Interviews, record: Record) -> dict[str, Any]:
    answered = sum(1 for qid in record.state.plan.question_ids if qid in record.state.grades)
    current = current_view(service.current(record), service.library)
    return {
        "interview": interview_summary(record),
        "turns": transcript(record),
        "current": current,
        "progress": {"answered": answered, "total": len(record.state.plan.question_ids)},
        "pace": pace(record, service.library),
        "grading": False,  # True while the page's stream grades the stored answer
    }


def pace(record: Record, library: Library) -> dict[str, int]:
    """The interview's time budget and the time its answers have taken so far."""
    kinds = [library.question(q).kind for q in record.state.plan.question_ids
             if q in library.questions]
    spent = sum(e["seconds"] or 0 for said in exchanges_by_question(record, library).values()
                for e in said)
    return {"budget": conversation.budget_seconds(kinds), "spent": spent}


def unanswered(record: Record) -> int:
    """Questions in the plan with no answer yet (the one on screen included)."""
    answered = {t.turn.question_id for t in record.turns if t.turn.kind == "answer"}
    return sum(1 for q in record.state.plan.question_ids if q not in answered)


def answer_error(exc: Exception, record: Record, service: Interviews
                 ) -> tuple[str, dict[str, str] | None]:
    """What to tell a candidate whose answer was refused, and where to go next. A stale
    form (sent again after Back) says where the interview is now, not a turn number."""
    if isinstance(exc, BadAnswer):
        return str(exc)[0].upper() + str(exc)[1:], None
    if record.state.finished:
        return ("This interview is already finished, so that answer was not added. Your text "
                "is kept below.", {"href": f"/interviews/{record.id}/scorecard",
                                   "label": "See your scorecard"})
    cur = service.current(record)
    where = (f"question {cur.number} of {cur.total}" if cur is not None
             else "the next question, which is on its way")
    return (f"That question was already answered (perhaps from a page opened with Back); the "
            f"interview has moved on to {where}. Your text is kept in the box below.",
            {"href": f"/interviews/{record.id}", "label": "Go to where the interview is now"})


def scorecard_context(service: Interviews, record: Record) -> dict[str, Any]:
    card = service.scorecard(record.id)
    data = card.model_dump()
    data["grader_label"] = grader_label(card.grader)
    data["grader_limits"] = grader_limits(card.grader)
    data["level_label"] = TARGET_NAMES.get(card.level, card.level)
    return {"interview": interview_summary(record), "card": data, "level_names": LEVEL_NAMES,
            "exchanges": exchanges_by_question(record, service.library),
            "attempts": service.store.graded_counts(record.owner,
                                                    list(record.state.plan.question_ids)),
            "close": close_context(record), **share_context(service, record)}


def share_context(service: Interviews, record: Record) -> dict[str, Any]:
    """The scorecard's share panel: when each live link was made (a link's address is shown
    once, right after it is made: only a hash of its token is kept); `shared` is True on
    the read-only page a link opens, which has no owner controls."""
    return {"shares": [{"id": s.id, "created_at": s.created_at}
                       for s in service.store.shares.of_interview(record.id)],
            "new_share_url": None, "shared": False}


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
