"""`interviewer progress` in plain text: the Progress page's trends, weakest criteria and next
practice, for a terminal."""

from __future__ import annotations

from interviewer.progress.overview import Overview
from interviewer.progress.trends import Series

SHOWN = 6  # the latest points of a trend printed in full


def _trend(series: Series) -> str:
    scores = [f"{p.score:.1f}" for p in series.points[-SHOWN:]]
    lead = "… " if len(series.points) > SHOWN else ""
    change = "" if len(series.points) < 2 else (
        f"  up {series.change:.1f}" if series.change > 0 else
        f"  down {-series.change:.1f}" if series.change < 0 else "  no change")
    return f"  {series.name:<34} {lead}{' → '.join(scores)}{change}"


def lines(overview: Overview) -> list[str]:
    """The report, line by line."""
    if overview.empty:
        return ["No graded answers yet: run `interviewer practice` (or `interviewer serve`) "
                "and answer a question, then come back to see your progress."]
    n, k = len(overview.attempts), overview.interviews
    out = [f"Progress: {n} graded answer{'s' if n != 1 else ''} across {k} "
           f"interview{'s' if k != 1 else ''}, scores out of 4, oldest to latest.", "",
           "By criterion", *(_trend(s) for s in overview.criteria), "",
           "By topic", *(_trend(s) for s in overview.topics), "", "Weakest criteria"]
    for i, item in enumerate(overview.weakest, 1):
        last = item.last.date().isoformat() if item.last else "never"
        out.append(f"  {i}. {item.name}: {item.mastery:.1f} (last practised {last})")
    out += ["", "Practice schedule (most overdue first)"]
    for item, due in overview.queue:
        when = f"overdue by {-due:.1f} days" if due < 0 else \
            "due now" if due == 0 else f"due in {due:.1f} days"
        out.append(f"  {item.name + ' (' + item.kind + ')':<46} {item.mastery:.1f}  {when}")
    if overview.new_topics:
        out.append(f"  Not practised yet, due now: {', '.join(overview.new_topics)}")
    s = overview.suggestion
    if s is not None:
        out += ["", "Next suggested practice", f"  {s.reason}",
                f"  {'Retry' if s.retry else 'Practise'}: {s.question}",
                f"  Start it: interviewer practice --question {s.question_id}",
                f"  Or drill the topic: interviewer practice --mode topic --topic {s.topic}"]
    return out
