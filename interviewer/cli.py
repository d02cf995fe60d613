"""The `interviewer` command: serve the app, practise in the terminal, grade, list, check.

The operator's database commands and calibration live in interviewer/commands/; this
module registers every command on one app, in the order `--help` lists them."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from interviewer import engine, terminal
from interviewer.commands import calibrate, operator
from interviewer.commands.common import (
    AreaOpt,
    ModelOpt,
    TopicOpt,
    choice,
    err,
    fail,
    open_store_or_exit,
    strict,
)
from interviewer.library import LibraryError, default_library, load_library
from interviewer.models.base import ModelUnavailable
from interviewer.models.registry import ModelRegistry, UnknownModel, default_model_name
from interviewer.service import BadAnswer
from interviewer.settings import get_settings
from interviewer.storage import LOCAL_OWNER
from interviewer.taxonomy import AREAS, LEVELS, TOPICS

app = typer.Typer(
    help="Platform PM Interview Coach: mock interviews with rubric feedback.\n\n"
         "Quickstart: `interviewer serve` then open http://127.0.0.1:8000, or "
         "`interviewer practice` for an interview in this terminal.",
    no_args_is_help=True, add_completion=False, rich_markup_mode=None)
def serve(host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
          workers: Annotated[int, typer.Option(
              min=1, help="Server processes; they share everything through the database.")]
          = 1) -> None:
    """Start the web app.

    Open http://HOST:PORT, pick a mode, area and topic, and answer in the browser.
    Uses the offline model unless OPENAI_API_KEY (or INTERVIEWER_MODEL) says otherwise.
    """
    import os

    import uvicorn

    from interviewer.web.app import create_served_app
    from interviewer.web.auth import auth_mode, is_loopback
    from interviewer.web.proxies import parse_trusted, server_options

    mode = auth_mode(get_settings(), host)
    os.environ["INTERVIEWER_AUTH"] = mode  # so that every worker process decides alike
    get_settings.cache_clear()
    if mode == "local" and not is_loopback(host):
        err.print(f"[yellow]INTERVIEWER_AUTH=local on {host}: everyone who reaches this server "
                  "shares one owner and sees every interview[/yellow]")
    open_store_or_exit()  # migrate once, and refuse a damaged database before listening
    settings = get_settings()
    options = {**server_options(parse_trusted(settings.trusted_proxies)),
               "timeout_keep_alive": settings.keep_alive_seconds}
    target = create_served_app() if workers == 1 else "interviewer.web.app:create_served_app"
    uvicorn.run(target, host=host, port=port, workers=workers, factory=workers > 1, **options)


def practice(
    mode: Annotated[str, typer.Option(help="full, area, topic or single.")] = "full",
    area: AreaOpt = None, topic: TopicOpt = None,
    questions: Annotated[int | None, typer.Option(help="How many questions, 1 to 8.")] = None,
    level: Annotated[str, typer.Option(
        help="The level you interview at: pm, senior or staff. The outline and bar follow it.")]
    = "senior",
    question: Annotated[str | None, typer.Option(help="One question id (see `questions`).")]
    = None,
    model: ModelOpt = None,
) -> None:
    """Run a mock interview in this terminal.

    Type each answer and press Enter on an empty line to submit it. Start with ? to ask a
    clarifying question about the scenario first (the question stays open). Type :finish
    to end early. At the end you get the scorecard; the interview is also saved for the web page.

    \b
    Example:
      interviewer practice --mode area --area api-products --questions 3
    """
    from interviewer.web.app import build_service

    settings = get_settings()
    service = build_service(settings)
    try:
        plan = service.plan(mode, area, topic, questions, question, level)
        interview_id = service.create(plan, model or default_model_name(settings), LOCAL_OWNER)
    except (engine.PlanError, UnknownModel) as exc:
        raise fail(str(exc)) from None
    try:
        asyncio.run(terminal.run_interview(service, interview_id, sys.stdin, Console()))
    except ModelUnavailable as exc:
        raise fail(f"the model is unavailable: {exc}. Your answers are saved; "
                    f"resume in the web page at /interviews/{interview_id}", 1) from None


def _read_answer(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"cannot read {path}: {exc}") from None


def grade(
    area: AreaOpt = None, topic: TopicOpt = None,
    question: Annotated[str | None, typer.Option(help="The question text, or a library id.")]
    = None,
    answer_file: Annotated[Path | None, typer.Option(help="File holding the answer.")] = None,
    audio: Annotated[Path | None, typer.Option(
        help="A recording of the answer instead: transcribed on this machine, then graded, "
             "with delivery figures.")] = None,
    jsonl: Annotated[Path | None, typer.Option(
        help='Grade many: one {"id", "area", "topic", "question", "answer"} per line.')] = None,
    model: ModelOpt = None,
    output: Annotated[str, typer.Option("--format", help="text or json (one answer).")] = "text",
) -> None:
    """Grade one answer, or many from a JSONL file, against the topic's rubric.

    \b
    One answer:
      interviewer grade --area api-products --topic rate-limiting \\
        --question "How would you rate-limit a public API?" --answer-file answer.txt
    Many answers (prints one JSON result per line):
      interviewer grade --jsonl answers.jsonl
    """
    settings = get_settings()
    try:
        chosen = strict(ModelRegistry(settings)(model or default_model_name(settings)))
    except UnknownModel as exc:
        raise fail(str(exc)) from None
    if jsonl is not None:
        code = asyncio.run(terminal.grade_jsonl(chosen, jsonl, sys.stdout, err))
        raise typer.Exit(code)
    library_id = question is not None and question in default_library().questions
    if not (question and (answer_file or audio) and (library_id or (area and topic))):
        raise fail("give --area, --topic, --question and --answer-file (or --audio), "
                    "or --jsonl FILE; with a library id as --question, area and topic "
                    "come from the library")
    choice("area", area, AREAS)
    choice("topic", topic, TOPICS)
    spoken = _transcribe_file(audio, _question_text(question)) if audio else None
    text = spoken[0].text if spoken else _read_answer(answer_file)
    try:
        request = terminal.answer_request(question, text, area, topic)
    except BadAnswer as exc:
        raise fail(str(exc)) from None
    try:
        result = asyncio.run(chosen.grade(request))
    except ModelUnavailable as exc:
        raise fail(f"the model is unavailable: {exc}", 1) from None
    if output == "json":
        graded = terminal.grade_json("answer", result)
        if spoken:
            graded |= {"transcript": spoken[0].text, "transcribed_by": spoken[0].engine,
                       "delivery": spoken[1].model_dump(mode="json")}
        print(json.dumps(graded))
    else:
        if spoken:
            terminal.print_delivery(Console(), spoken[0], spoken[1])
        terminal.print_grade(Console(), request.question_text, result)


def _question_text(question: str) -> str:
    library = default_library()
    return library.question(question).text if question in library.questions else question


def _transcribe_file(path: Path, question: str | None, kind: str | None = None):
    """(transcript, delivery) of a recording, or a clear error and exit code 2."""
    from interviewer.speech.audio import AudioError
    from interviewer.speech.delivery import measure
    from interviewer.speech.transcribe import build_transcriber

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise fail(f"cannot read {path}: {exc.strerror}") from None
    try:
        heard = asyncio.run(build_transcriber(get_settings()).transcribe(data, path.name,
                                                                          question))
    except AudioError as exc:
        raise fail(f"{path}: {exc}") from None
    if not heard.text.strip():
        raise fail(f"{path}: no words could be heard in the recording")
    return heard, measure(heard.text, heard.words, heard.seconds, kind)


def transcribe(
    file: Annotated[Path, typer.Argument(help="The recording (WAV, WebM, OGG, MP3 or M4A).")],
    question: Annotated[str | None, typer.Option(
        help="The question answered (text or a library id): helps the model hear its words.")]
    = None,
    output: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Transcribe a spoken answer on this machine and show its delivery figures.

    \b
      interviewer transcribe answer.wav --question api-payments-create-idempotency
    """
    kind = None
    if question and question in default_library().questions:
        kind = default_library().question(question).kind
    heard, delivery = _transcribe_file(file, _question_text(question) if question else None,
                                       kind)
    if output == "json":
        print(json.dumps({"transcript": heard.text, "transcribed_by": heard.engine,
                          "seconds": heard.seconds, "delivery": delivery.model_dump(mode="json")}))
    else:
        terminal.print_delivery(Console(), heard, delivery)

def questions(
    area: AreaOpt = None, topic: TopicOpt = None,
    level: Annotated[str | None, typer.Option(help="pm, senior or staff.")] = None,
    output: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """List the question library, filtered by area, topic or level.

    \b
    Example:
      interviewer questions --area identity-auth --format json
    """
    choice("area", area, AREAS)
    choice("topic", topic, TOPICS)
    choice("level", level, LEVELS)
    found = default_library().filter(area, topic, level)
    if output == "json":
        print(json.dumps([q.model_dump() for q in found], indent=2))
    else:
        terminal.print_questions(Console(), found)


def check(root: Annotated[Path | None, typer.Option(
        help="Folder holding prompts/ and rubrics/ (default: the installed library).")] = None
          ) -> None:
    """Validate every question and rubric; exit 1 naming each bad file and field."""
    try:
        library = load_library(root)
    except LibraryError as exc:
        for problem in exc.problems:
            err.print(f"[red]✗[/red] {problem}", highlight=False)
        err.print(f"{len(exc.problems)} problem(s) found.")
        raise typer.Exit(1) from None
    _check_prompt_files(root)
    print(f"Library OK: {len(library.questions)} questions, {len(library.rubrics)} rubrics.")


def _check_prompt_files(root: Path | None) -> None:
    """The YAML under prompts/ that is not library content loads cleanly: the spoken-delivery
    ranges and fillers, the interviewer's lines (every placeholder one it fills in), the
    checks on a model's turn, and the offline grader's vocabulary (every list has words,
    every pattern compiles). A library folder without its own copy of a file uses the
    installed one."""
    from interviewer.conversation import check_conversation
    from interviewer.llm.guard import turn_checks
    from interviewer.offline.fitted import load_fit
    from interviewer.offline.injection_cues import load_injection_cues
    from interviewer.offline.level_bar import load_level_bars
    from interviewer.offline.lexicon import load_lexicon
    from interviewer.offline.synonyms import load_synonyms
    from interviewer.paths import prompts_dir
    from interviewer.speech.delivery import load_rules

    base = root / "prompts" if root else prompts_dir()
    for relative, load in (("speech/delivery.yaml", load_rules),
                           ("conversation.yaml", check_conversation),
                           ("llm/turn_checks.yaml", turn_checks),
                           ("offline/lexicon.yaml", load_lexicon),
                           ("offline/injection.yaml", load_injection_cues),
                           ("offline/synonyms.yaml", load_synonyms),
                           ("offline/levels.yaml", load_level_bars),
                           ("offline/fit.yaml", load_fit)):
        path = base / relative
        if root is not None and not path.exists():
            continue
        try:
            load(path)
        except ValueError as exc:
            err.print(f"[red]✗[/red] {exc}", highlight=False)
            raise typer.Exit(1) from None


# The order here is the order `interviewer --help` lists them in.
app.command()(serve)
app.command()(operator.backup)
app.command()(practice)
app.command()(grade)
app.command()(transcribe)
app.command()(questions)
app.command()(operator.progress)
app.command()(operator.history)
# an id is url-safe base64, so one in 64 starts with "-": read it as the id, not an option
app.command(context_settings={"ignore_unknown_options": True})(operator.export)
app.command()(check)
app.command()(calibrate.calibrate)

if __name__ == "__main__":  # pragma: no cover
    app()
