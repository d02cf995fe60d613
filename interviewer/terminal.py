"""What the CLI shows and reads: interviews in the terminal, grades as text or JSON lines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO

from pydantic import BaseModel, ConfigDict, ValidationError
from rich.console import Console
from rich.table import Table

from interviewer.library import Question, default_library
from interviewer.models.base import Exchange, GradeRequest, InterviewModel, ModelUnavailable
from interviewer.scoring import AnswerGrade, CriterionGrade, RedFlagHit, Scorecard, Usage
from interviewer.service import BadAnswer, Interviews
from interviewer.taxonomy import LEVEL_NAMES, TARGET_NAMES, Area, Topic
from interviewer.web.views import grader_label, grader_limits

FINISH = ":finish"
ASK = "?"  # an entry starting with this is a clarifying question, not an answer


def read_answer(stream: TextIO) -> str | None:
    """Lines up to an empty line; None at end of input or on :finish."""
    lines: list[str] = []
    for line in stream:
        text = line.rstrip("\n")
        if text.strip() == FINISH:
            return None
        if not text.strip() and lines:
            break
        if text.strip() or lines:
            lines.append(text)
    else:
        if not lines:
            return None
    return "\n".join(lines)


async def run_interview(service: Interviews, interview_id: str, stream: TextIO,
                        console: Console) -> Scorecard:
    """Ask, read answers, follow up, and print the scorecard at the end."""

    async def show(delta: str) -> None:
        console.print(delta, end="", markup=False, highlight=False)

    console.print("[dim]Answer, then press Enter on an empty line. Start with ? to ask a "
                  "clarifying question first. Type :finish to stop.[/dim]")
    record = await _advance_printing(service, interview_id, show, console)
    # each turn is printed as it is asked: the answer's time starts from there
    while (current := service.current(record := service.mark_seen(record))) is not None:
        console.print(f"[dim]({'follow-up' if current.kind == 'follow_up' else 'question'} "
                      f"{current.number} of {current.total})[/dim]")
        text = read_answer(stream)
        if text is None:
            break
        try:
            if text.lstrip().startswith(ASK):
                reply = service.clarify(interview_id, text.lstrip()[len(ASK):].strip())
                console.print("[bold cyan]Interviewer:[/bold cyan] ", end="")
                console.print(reply, markup=False, highlight=False)
                continue
            service.submit(interview_id, text, current.turn)
        except BadAnswer as exc:
            console.print(f"[red]{exc}[/red]")
            continue
        record = await _advance_printing(service, interview_id, show, console,
                                         "Grading your answer…")
    with console.status("Grading…", spinner="dots"):
        await service.finish(interview_id)
    card = service.scorecard(interview_id)
    print_scorecard(console, card)
    return card


async def _advance_printing(service: Interviews, interview_id: str, show: Any,
                            console: Console, waiting: str = "Preparing the first question…"
                            ) -> Any:
    """Advance the interview with a spinner until the interviewer's first words arrive (a
    slow model can take minutes to grade), then print the turn as it comes."""
    status = console.status(waiting, spinner="dots")
    status.start()
    started = False

    async def first_then_show(delta: str) -> None:
        nonlocal started
        if not started:
            status.stop()
            console.print("\n[bold cyan]Interviewer:[/bold cyan] ", end="")
            started = True
        await show(delta)

    try:
        record = await service.advance(interview_id, on_delta=first_then_show)
    finally:
        status.stop()
    if started:
        console.print()
        _turn_note(console, record)
    if record.turns and record.turns[-1].turn.kind == "close":  # said only once it ends
        console.print("\n[bold cyan]Interviewer:[/bold cyan] ", end="")
        console.print(record.turns[-1].turn.text, markup=False, highlight=False)
    return record


def _turn_note(console: Console, record: Any) -> None:
    """Why the library's wording was used for the turn just asked, if it was."""
    last = record.turns[-1] if record.turns else None
    if last is not None and last.turn.role == "interviewer" and last.usage and last.usage.note:
        console.print(f"[dim](In the library's words: {last.usage.note}.)[/dim]",
                      highlight=False)


def calibration_progress(console: Console) -> Any:
    """A progress line per graded item, for a calibration run that may take many minutes."""

    def report(done: int, total: int, item: Any) -> None:
        extra = f", offline fallback: {item.fallback}" if item.fallback else ""
        console.print(f"[dim]graded {done}/{total}: {item.id} ({item.ms / 1000:.1f} s{extra})"
                      f"[/dim]", highlight=False)

    return report


def _criterion_rows(table: Table, criteria: list[CriterionGrade]) -> None:
    for c in criteria:
        quotes = "\n".join(f"“{q}”" for q in c.evidence) or "(no evidence quoted)"
        table.add_row(c.name, f"{c.score} {LEVEL_NAMES[c.score]}", quotes,
                      f"{c.feedback}\nMissing: {c.missing or '-'}\nTip: {c.tip}")


def usage_line(usage: Usage) -> str:
    """Model tokens and cost, in one line; "" when nothing was spent."""
    if not usage.total_tokens:
        return ""
    return (f"Model tokens: {usage.total_tokens:,} ({usage.prompt_tokens:,} prompt, "
            f"{usage.completion_tokens:,} completion), about ${usage.cost_usd:.4f}")


def _notes_and_usage(console: Console, notes: list[str], usage: Usage) -> None:
    """Every note on a grade (why the offline grader stood in comes first) and its cost."""
    for note in notes:
        console.print(f"[yellow]{note}[/yellow]", highlight=False)
    if line := usage_line(usage):
        console.print(f"[dim]{line}[/dim]", highlight=False)


def print_grade(console: Console, question: str, grade: AnswerGrade) -> None:
    console.print(f"[bold]{question}[/bold]")
    console.print(f"Overall {grade.overall:.2f} · graded by the {grader_label(grade.grader)}")
    if limits := grader_limits(grade.grader):
        console.print(limits, style="dim", markup=False)
    for flag in grade.flags:
        console.print(f"[yellow]flag: {flag}[/yellow]")
    _notes_and_usage(console, grade.notes, grade.usage)
    _red_flags_and_doubt(console, grade.red_flags, grade.uncertain)
    table = Table("Criterion", "Score", "Evidence (your words)", "Feedback", show_lines=True)
    _criterion_rows(table, grade.criteria)
    console.print(table)
    if grade.missed:
        console.print("[bold]Missing:[/bold] " + "; ".join(grade.missed))


def _red_flags_and_doubt(console: Console, red_flags: list[RedFlagHit],
                         uncertain: list[str]) -> None:
    """Each red flag with the sentence that raised it and why it hurts, then any doubt."""
    for rf in red_flags:
        console.print(f"Red flag: {rf.name}\n  “{rf.quote}”\n  Why it hurts the platform's "
                      f"users: {rf.why}", style="red", markup=False)
    if uncertain:
        console.print("This grade is uncertain. " + " ".join(uncertain), style="yellow",
                      markup=False)


def print_scorecard(console: Console, card: Scorecard) -> None:
    console.rule("Scorecard")
    console.print(f"Overall [bold]{card.overall:.2f}[/bold] ({card.hire_signal}) · graded by "
                  f"the {grader_label(card.grader)} · answered {card.answered} of {card.total}")
    if limits := grader_limits(card.grader):
        console.print(limits, style="dim", markup=False)
    if card.fix_first:
        console.print("[bold]Fix these first:[/bold]")
        for n, item in enumerate(card.fix_first, 1):
            console.print(f" {n}. {item}", markup=False)
    for i, q in enumerate(card.questions, 1):
        console.rule(f"Question {i}: {q.overall:.2f}")
        console.print(q.question)
        console.print(f"Graded by the {grader_label(q.grader)}")
        _notes_and_usage(console, q.notes, q.usage)
        _red_flags_and_doubt(console, q.red_flags, q.uncertain)
        table = Table("Criterion", "Score", "Evidence (your words)", "Feedback", show_lines=True)
        _criterion_rows(table, q.criteria)
        console.print(table)
        for heading, points in ((f"A strong answer at {TARGET_NAMES[card.level]} level covers:",
                                 q.strong_answer),
                                ("What lifts it to Strong hire:", q.strong_hire),
                                ("Common weak answers:", q.weak_answers)):
            if points:
                console.print(f"[bold]{heading}[/bold]")
                for point in points:
                    console.print(f" • {point}", markup=False)
    if card.unanswered:
        console.print(f"[dim]{card.unanswered} question(s) were not answered.[/dim]")
    if line := usage_line(card.usage):
        console.print(f"{line} for the whole interview", highlight=False)


def print_questions(console: Console, questions: list[Question]) -> None:
    table = Table("id", "area", "topic", "kind", "level", "question")
    for q in questions:
        table.add_row(q.id, q.area, q.topic, q.kind, q.level, q.text)
    console.print(table)
    console.print(f"{len(questions)} question(s)")


class BatchItem(BaseModel):
    """One answer to grade. A library question (`question_id`, or its id as `question`) brings
    its own rubric, outline and red flags, so area and topic may be left out."""

    model_config = ConfigDict(extra="ignore")
    id: str
    area: Area | None = None
    topic: Topic | None = None
    question: str
    answer: str
    question_id: str | None = None


def answer_request(question: str, answer: str, area: str | None = None,
                   topic: str | None = None, question_id: str | None = None,
                   request_id: str = "adhoc") -> GradeRequest:
    """The request for grading one answer. A library question is graded as an interview grades
    it (its kind's criteria, its outline and its own red flags); any other question against
    its topic's rubric, which needs the area and topic."""
    if not answer.strip():
        raise BadAnswer("the answer is empty")
    library = default_library()
    qid = question_id or (question if question in library.questions else None)
    if qid is not None:
        if qid not in library.questions:
            raise BadAnswer(f"no library question has the id {qid!r}")
        q = library.question(qid)
        return GradeRequest.for_question(q, library.rubric_for(q),
                                         [Exchange(prompt=q.text, answer=answer)])
    if not (area and topic):
        raise BadAnswer("give the area and topic, or a library question id")
    return GradeRequest(question_id=request_id, question_text=question, area=area, topic=topic,
                        rubric=library.rubrics[topic],
                        exchanges=[Exchange(prompt=question, answer=answer)])


def grade_json(item_id: str, grade: AnswerGrade) -> dict[str, Any]:
    return {"id": item_id, "overall": grade.overall, "grader": grade.grader,
            "flags": grade.flags, "notes": grade.notes,
            "usage": grade.usage.model_dump(exclude={"note"}),
            "criteria": [c.model_dump(include={"id", "name", "score", "evidence", "feedback"})
                         for c in grade.criteria],
            "red_flags": [h.model_dump() for h in grade.red_flags],
            "uncertain": grade.uncertain}


async def grade_jsonl(model: InterviewModel, path: Path, out: TextIO, console: Console) -> int:
    """Grade each line; a bad line gets an error line naming it, and the rest still run."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        console.print(f"[red]error:[/red] cannot read {path}: {exc}")
        return 2
    failures = 0
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = BatchItem.model_validate_json(line)
            request = answer_request(item.question, item.answer, item.area, item.topic,
                                     item.question_id, request_id=item.id)
            result = grade_json(item.id, await model.grade(request))
        except (ValidationError, BadAnswer, ModelUnavailable) as exc:
            failures += 1
            result = {"line": number, "error": _one_line(exc)}
        out.write(json.dumps(result) + "\n")
    return 1 if failures else 0


def _one_line(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'line'}: {e['msg']}"
                         for e in exc.errors())
    return str(exc)


def print_delivery(console: Console, heard: Any, delivery: Any) -> None:
    """The transcript of a spoken answer and its delivery figures, each with its good range."""
    console.print(f"[bold]Transcript[/bold] ({heard.seconds:.0f} s, {heard.engine})")
    console.print(heard.text, markup=False, highlight=False)
    console.print()
    console.print("[bold]Delivery[/bold]")
    for f in delivery.figures:
        value = f"{int(f.value) // 60}:{int(f.value) % 60:02d}" if f.unit == "seconds" \
            else f"{f.value:g} {f.unit}"
        mark = "ok" if f.verdict == "ok" else f.verdict
        console.print(f"  {f.name}: {value} (good: {f.good}; {mark}). {f.advice}",
                      markup=False, highlight=False)
    console.print()
