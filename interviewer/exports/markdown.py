"""The export document as Markdown: readable as plain text, and rendered anywhere Markdown is.

The candidate's words go in block quotes, line by line, so a pasted heading or list stays
inside its quote instead of reshaping the document.
"""

from __future__ import annotations

from typing import Any


def quote(text: str) -> str:
    return "\n".join(f"> {line}".rstrip() for line in (text or "").splitlines() or [""])


def duration(seconds: int | None) -> str:
    if seconds is None:
        return "unknown"
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


def _bullets(items: list[str]) -> list[str]:
    return [f"- {' '.join(str(i).split())}" for i in items]


def _header(doc: dict[str, Any]) -> list[str]:
    iv, res = doc["interview"], doc["result"]
    lines = [f"# Scorecard: {iv['area']} · {iv['topic']}", "",
             f"- Interview: {iv['mode']}, {iv['created_at']} ({iv['status'].replace('_', ' ')})",
             f"- Level: {iv['level']}", f"- Model: {iv['model']}",
             f"- Graded by: {res['grader_label']}",
             f"- Overall: **{res['overall']:.2f} / 4**, {res['hire_signal']}",
             f"- Answered: {res['answered']} of {res['total']} questions", ""]
    if res["fix_first"]:
        lines += ["## Fix these first", "", *_bullets(res["fix_first"]), ""]
    if doc["fallbacks"]:
        lines += ["## Fallbacks", "", *_bullets(doc["fallbacks"]), ""]
    return lines


def _transcript(doc: dict[str, Any]) -> list[str]:
    lines = ["## Transcript", ""]
    for t in doc["transcript"]:
        lines += [f"**{t['speaker']}** ({t['label']}, {t['at']})", "", quote(t["text"]), ""]
        if t["note"]:
            lines += [f"*The library's words were used: {t['note']}*", ""]
    return lines


def _criteria(q: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for c in q["criteria"]:
        lines += [f"#### {c['name']}: {c['score']} / 4, {c['level']}", ""]
        lines += [quote(e) + "\n" for e in c["evidence"]] or ["No evidence quoted.", ""]
        for key, label in (("feedback", "Feedback"), ("missing", "Missing"), ("tip", "Tip")):
            if c[key]:
                lines += [f"{label}: {c[key]}", ""]
    return lines


def _question(q: dict[str, Any]) -> list[str]:
    lines = [f"### Question {q['number']}: {q['question']}", "",
             f"{q['area']} · {q['topic']}. Score **{q['overall']:.2f} / 4**, {q['signal']}. "
             f"Graded by the {q['grader_label']}.", ""]
    for flag in q["red_flags"]:
        lines += [f"**Red flag: {flag['name']}.** {flag['why']}", ""]
        if flag["quote"]:
            lines += [quote(flag["quote"]), ""]
    for title, key in (("Notes", "notes"), ("Why the grade may be off", "uncertain")):
        if q[key]:
            lines += [f"{title}:", "", *_bullets(q[key]), ""]
    lines += _criteria(q)
    for title, key in (("What was missing", "missed"),
                       ("What a strong answer covers", "strong_answer"),
                       ("What lifts it to Strong hire", "strong_hire"),
                       ("Common weak answers", "weak_answers")):
        if q[key]:
            lines += [f"#### {title}", "", *_bullets(q[key]), ""]
    for e in q["exchanges"]:
        lines += [f"#### {'Follow-up' if e['kind'] == 'follow_up' else 'Question'} and your "
                  f"answer ({duration(e['seconds'])} of a {duration(e['target'])} target)",
                  "", quote(e["prompt"]), "", quote(e["answer"]), ""]
    return lines


def to_markdown(doc: dict[str, Any]) -> str:
    lines = _header(doc) + _transcript(doc) + ["## Feedback per question", ""]
    for q in doc["questions"]:
        lines += _question(q)
    if not doc["questions"]:
        lines += ["No answer was graded.", ""]
    return "\n".join(lines).rstrip() + "\n"
