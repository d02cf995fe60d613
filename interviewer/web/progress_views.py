"""The Progress and compare pages' data, as plain dicts for the templates."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from interviewer.progress.attempts import Attempt
from interviewer.progress.charts import line_chart
from interviewer.progress.compare import Comparison
from interviewer.progress.overview import Overview
from interviewer.progress.schedule import Item, Suggestion, interval_days
from interviewer.progress.trends import Series
from interviewer.taxonomy import AREA_NAMES, TOPIC_NAMES


def _chart(series: Series, prefix: str) -> dict[str, Any]:
    chart = line_chart(series)
    scores = ", ".join(f"{p.when[:10]}: {p.score:.1f}" for p in chart.points)
    return {"id": f"{prefix}-{series.key}", "name": series.name, "chart": chart,
            "latest": series.latest, "change": series.change, "count": len(series.points),
            "desc": f"{len(chart.points)} interview{'s' if len(chart.points) != 1 else ''}, "
                    f"oldest first. {scores}."}


def _item(item: Item) -> dict[str, Any]:
    return {"key": item.key, "name": item.name, "mastery": item.mastery, "count": item.count,
            "last": item.last.isoformat() if item.last else None,
            "interval": interval_days(item.mastery) if item.mastery is not None else None}


def _suggestion(s: Suggestion | None) -> dict[str, Any] | None:
    if s is None:
        return None
    return {"item": _item(s.item), "kind": s.item.kind, "topic": s.topic,
            "topic_label": TOPIC_NAMES.get(s.topic, s.topic), "question_id": s.question_id,
            "question": s.question, "retry": s.retry, "reason": s.reason,
            "priority": s.priority}


def question_rows(attempts: Sequence[Attempt]) -> list[dict[str, Any]]:
    """One row per question practised, the most recently practised first."""
    by_question: dict[str, list[Attempt]] = {}
    for a in sorted(attempts, key=lambda a: a.at):
        by_question.setdefault(a.question_id, []).append(a)
    rows = [{"question_id": qid, "question": tries[-1].question,
             "topic_label": TOPIC_NAMES.get(tries[-1].topic, tries[-1].topic),
             "attempts": len(tries), "first": tries[0].overall, "latest": tries[-1].overall,
             "change": round(tries[-1].overall - tries[0].overall, 2),
             "last_at": tries[-1].at.isoformat(), "last_interview": tries[-1].interview_id}
            for qid, tries in by_question.items()]
    return sorted(rows, key=lambda r: r["last_at"], reverse=True)


def progress_context(overview: Overview) -> dict[str, Any]:
    return {
        "empty": overview.empty,
        "interviews": overview.interviews,
        "answers": len(overview.attempts),
        "criteria": [_chart(s, "criterion") for s in overview.criteria],
        "topics": [_chart(s, "topic") for s in overview.topics],
        "weakest": [_item(i) for i in overview.weakest],
        "suggestion": _suggestion(overview.suggestion),
        "questions": question_rows(overview.attempts),
        "queue": [{**_item(item), "kind": item.kind, "due_in": due}
                  for item, due in overview.queue],
        "new_topics": overview.new_topics,
    }


def attempt_view(a: Attempt, number: int) -> dict[str, Any]:
    return {"number": number, "interview_id": a.interview_id, "at": a.at.isoformat(),
            "overall": a.overall}


def compare_context(attempts: Sequence[Attempt], comparison: Comparison | None,
                    only: Attempt) -> dict[str, Any]:
    """The attempts at one question, and the chosen two side by side (None: just one)."""
    numbered = {a.interview_id: i + 1 for i, a in enumerate(attempts)}
    question = {"id": only.question_id, "text": only.question,
                "area_label": AREA_NAMES.get(only.area, only.area),
                "topic_label": TOPIC_NAMES.get(only.topic, only.topic)}
    context: dict[str, Any] = {
        "question": question, "attempts": [attempt_view(a, numbered[a.interview_id])
                                           for a in attempts],
        "latest_interview": attempts[-1].interview_id, "comparison": None}
    if comparison is not None:
        context["comparison"] = {
            "before": attempt_view(comparison.before, numbered[comparison.before.interview_id]),
            "after": attempt_view(comparison.after, numbered[comparison.after.interview_id]),
            "overall_delta": comparison.overall_delta,
            "changes": [{"id": c.id, "name": c.name, "before": c.before, "after": c.after,
                         "delta": c.delta, "direction": c.direction, "gained": list(c.gained),
                         "lost": list(c.lost)} for c in comparison.changes]}
    return context
