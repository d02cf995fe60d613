"""The `interviewer` command: serve the app, practise in the terminal, grade, list, check."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from interviewer import engine, paths, terminal
from interviewer.library import LibraryError, default_library, load_library
from interviewer.models.base import Exchange, GradeRequest, InterviewModel, ModelUnavailable
from interviewer.models.registry import ModelRegistry, UnknownModel, default_model_name
from interviewer.settings import get_settings
from interviewer.storage import LOCAL_OWNER
from interviewer.taxonomy import AREAS, LEVELS, TOPICS

app = typer.Typer(
    help="Platform PM Interview Coach: mock interviews with rubric feedback.\n\n"
         "Quickstart: `interviewer serve` then open http://127.0.0.1:8000, or "
         "`interviewer practice` for an interview in this terminal.",
    no_args_is_help=True, add_completion=False, rich_markup_mode=None)
err = Console(stderr=True, soft_wrap=True)

AreaOpt = Annotated[str | None, typer.Option(help=f"Platform area: {', '.join(AREAS)}.")]
TopicOpt = Annotated[str | None, typer.Option(help=f"Topic: {', '.join(TOPICS)}.")]
ModelOpt = Annotated[str | None, typer.Option(
    "--model", help="'offline', or a model name on the server at OPENAI_BASE_URL "
                    "(default: INTERVIEWER_MODEL, else an LLM when OPENAI_API_KEY is set, "
                    "else offline).")]


def _fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    return typer.Exit(code)


def _choice(name: str, value: str | None, allowed: tuple[str, ...]) -> None:
    if value is not None and value not in allowed:
        raise _fail(f"unknown {name} {value!r}; choose one of: {', '.join(allowed)}")


@app.command()
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
    _open_store_or_exit()  # migrate once, and refuse a damaged database before listening
    options = server_options(parse_trusted(get_settings().trusted_proxies))
    target = create_served_app() if workers == 1 else "interviewer.web.app:create_served_app"
    uvicorn.run(target, host=host, port=port, workers=workers, factory=workers > 1, **options)


def _open_store_or_exit() -> None:
    from interviewer.storage import StorageCorrupt, StorageUnavailable, Store

    try:
        Store(get_settings().db_target()).close()
    except StorageCorrupt as exc:
        raise _fail(f"{exc}. The server will not start on a damaged database: restore your "
                    "latest `interviewer backup`, or move the file aside to start afresh.",
                    1) from None
    except (StorageUnavailable, ValueError) as exc:
        raise _fail(f"cannot open the database: {exc}", 1) from None


@app.command()
def backup(path: Annotated[Path, typer.Argument(help="Where to write the copy.")]) -> None:
    """Copy the database to PATH, safely, while the server runs.

    SQLite: a consistent copy through SQLite's online backup API. Copying the .db file is
    not a backup: the newest answers may still be in the -wal file beside it.
    PostgreSQL: runs pg_dump (custom format; restore with pg_restore).
    """
    from interviewer.storage import Store

    settings = get_settings()
    if path.exists():
        raise _fail(f"{path} already exists; choose a new file name")
    if settings.uses_postgres:
        _pg_dump(settings.db, path)
    else:
        _open_store_or_exit()
        Store(settings.db_path()).backup(path)
    print(f"Backed up to {path}.")


def _pg_dump(url: str, path: Path) -> None:
    import glob
    import shutil
    import subprocess

    found = shutil.which("pg_dump") or next(iter(sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_dump"), reverse=True)), None)
    if found is None:
        raise _fail("pg_dump was not found: install the PostgreSQL client (Debian: "
                    "postgresql-client) or run `pg_dump --format=custom --file PATH DSN` "
                    "on a machine that has it", 1)
    done = subprocess.run([found, "--format=custom", f"--file={path}", f"--dbname={url}"],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise _fail(f"pg_dump failed: {done.stderr.strip()}", 1)


@app.command()
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
        raise _fail(str(exc)) from None
    try:
        asyncio.run(terminal.run_interview(service, interview_id, sys.stdin, Console()))
    except ModelUnavailable as exc:
        raise _fail(f"the model is unavailable: {exc}. Your answers are saved; "
                    f"resume in the web page at /interviews/{interview_id}", 1) from None


def _read_answer(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(f"cannot read {path}: {exc}") from None


@app.command()
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
        chosen = _strict(ModelRegistry(settings)(model or default_model_name(settings)))
    except UnknownModel as exc:
        raise _fail(str(exc)) from None
    if jsonl is not None:
        code = asyncio.run(terminal.grade_jsonl(chosen, jsonl, sys.stdout, err))
        raise typer.Exit(code)
    if not (area and topic and question and (answer_file or audio)):
        raise _fail("give --area, --topic, --question and --answer-file (or --audio), "
                    "or --jsonl FILE")
    _choice("area", area, AREAS)
    _choice("topic", topic, TOPICS)
    spoken = _transcribe_file(audio, _question_text(question)) if audio else None
    text = spoken[0].text if spoken else _read_answer(answer_file)
    request = _one_request(area, topic, question, text)
    try:
        result = asyncio.run(chosen.grade(request))
    except ModelUnavailable as exc:
        raise _fail(f"the model is unavailable: {exc}", 1) from None
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
        raise _fail(f"cannot read {path}: {exc.strerror}") from None
    try:
        heard = asyncio.run(build_transcriber(get_settings()).transcribe(data, path.name,
                                                                          question))
    except AudioError as exc:
        raise _fail(f"{path}: {exc}") from None
    if not heard.text.strip():
        raise _fail(f"{path}: no words could be heard in the recording")
    return heard, measure(heard.text, heard.words, heard.seconds, kind)


@app.command()
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

def _strict(model: InterviewModel) -> InterviewModel:
    """A model asked for by name must answer or fail: no offline grade when it is down."""
    if hasattr(model, "fall_back_when_unavailable"):
        model.fall_back_when_unavailable = False  # type: ignore[attr-defined]
    return model


def _one_request(area: str, topic: str, question: str, answer: str) -> GradeRequest:
    if not answer.strip():
        raise _fail("the answer file is empty")
    library = default_library()
    if question in library.questions:
        q = library.question(question)
        return GradeRequest.for_question(q, library.rubric_for(q),
                                         [Exchange(prompt=q.text, answer=answer)])
    return GradeRequest(question_id="adhoc", question_text=question, area=area, topic=topic,
                        rubric=library.rubrics[topic],
                        exchanges=[Exchange(prompt=question, answer=answer)])


@app.command()
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
    _choice("area", area, AREAS)
    _choice("topic", topic, TOPICS)
    _choice("level", level, LEVELS)
    found = default_library().filter(area, topic, level)
    if output == "json":
        print(json.dumps([q.model_dump() for q in found], indent=2))
    else:
        terminal.print_questions(Console(), found)


@app.command()
def progress() -> None:
    """Show how each criterion and topic moved over your interviews, your weakest criteria
    and the practice to do next (the web page's Progress, for this machine's interviews).

    \b
    Example:
      interviewer progress
    """
    from interviewer.progress import overview, text
    from interviewer.web.app import build_service

    service = build_service(get_settings())
    print("\n".join(text.lines(overview.for_owner(service.store, service.library,
                                                  LOCAL_OWNER))))


OwnerOpt = Annotated[str | None, typer.Option(
    "--owner", help="Only this owner's interviews: an account's username, or 'local' for "
                    "this machine's CLI and loopback browser.")]


@app.command()
def history(owner: OwnerOpt = None,
            limit: Annotated[int, typer.Option(min=1, help="How many, newest first.")] = 20
            ) -> None:
    """List the newest interviews in the database with their owners: every owner's, as the
    operator on this machine sees them, unless --owner names one.

    \b
    Example:
      interviewer history --owner alice
    """
    from interviewer import owners
    from interviewer.web.app import build_service

    _open_store_or_exit()
    store = build_service(get_settings()).store
    try:
        rows = owners.history(store, owner, limit)
    except owners.UnknownOwner as exc:
        raise _fail(str(exc)) from None
    if not rows:
        print("No interviews" + (f" owned by {owner}." if owner else "."))
    for r in rows:
        print(f"{r.id}  {r.created_at[:16].replace('T', ' ')}  {r.owner:<20} {r.status:<11} "
              f"{r.questions} question{'s' if r.questions != 1 else ''}, {r.model}")


# an id is url-safe base64, so one in 64 starts with "-": read it as the id, not an option
@app.command(context_settings={"ignore_unknown_options": True})
def export(
    interview_id: Annotated[str, typer.Argument(help="The interview's id (see History).")],
    fmt: Annotated[str, typer.Option("--format", help="md, json or pdf.")] = "md",
    output: Annotated[Path | None, typer.Option(
        "--output", help="Where to write it. Default: md and json to the terminal, "
                         "pdf to interview-ID.pdf here.")] = None,
    owner: OwnerOpt = None,
) -> None:
    """Export an interview's scorecard with its whole transcript, as the web page does.

    This is the operator's tool on the database's machine: like `backup`, it reads any
    interview in the database, whoever owns it (the web app and the API show each person
    only their own). Give --owner to export only that owner's, and be refused any other.

    \b
    Example:
      interviewer export hGxAcVAdE1CSlh0N --format pdf --output mock.pdf --owner alice
    """
    from interviewer import owners
    from interviewer.exports import FORMATS, render
    from interviewer.exports.document import of_record
    from interviewer.storage import NotFound
    from interviewer.web.app import build_service

    _choice("format", fmt, FORMATS)
    _open_store_or_exit()
    service = build_service(get_settings())
    try:
        record = owners.load_for(service.store, interview_id, owner)
    except owners.UnknownOwner as exc:
        raise _fail(str(exc)) from None
    except NotFound:
        whose = f" owned by {owner}" if owner else ""
        raise _fail(f"no interview with id {interview_id!r}{whose}; `interviewer history` "
                    "lists them") from None
    done = render(of_record(service, record), fmt)
    if output is None and fmt != "pdf":
        sys.stdout.write(done.body.decode("utf-8"))
        return
    target = output or Path(done.filename)
    try:
        target.write_bytes(done.body)
    except OSError as exc:
        raise _fail(f"cannot write {target}: {exc.strerror or exc}", 1) from None
    print(f"Wrote {target}.")


@app.command()
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
    ranges and fillers, the interviewer's lines (every placeholder one it fills in), and the
    offline grader's vocabulary (every list has words, every pattern compiles). A library
    folder without its own copy of a file uses the installed one."""
    from interviewer.conversation import check_conversation
    from interviewer.offline.fitted import load_fit
    from interviewer.offline.level_bar import load_level_bars
    from interviewer.offline.lexicon import load_lexicon
    from interviewer.paths import prompts_dir
    from interviewer.speech.delivery import load_rules

    base = root / "prompts" if root else prompts_dir()
    for relative, load in (("speech/delivery.yaml", load_rules),
                           ("conversation.yaml", check_conversation),
                           ("offline/lexicon.yaml", load_lexicon),
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


@app.command()
def calibrate(
    model: ModelOpt = None,
    set_path: Annotated[Path | None, typer.Option(
        "--set", help="A labelled JSONL set (default: the shipped calibration/answers.jsonl).")]
    = None,
    out: Annotated[Path, typer.Option(help="Folder for calibration.md and calibration.json.")]
    = Path("reports"),
    min_qwk: Annotated[float, typer.Option(help="Fail below this quadratic weighted kappa.")]
    = 0.70,
    min_spearman: Annotated[float, typer.Option(help="Fail below this Spearman correlation.")]
    = 0.80,
    min_ranking: Annotated[float, typer.Option(
        help="Fail below this share of answer pairs to one question ranked right.")] = 0.90,
    fit: Annotated[bool, typer.Option(
        "--fit", help="LLM models: learn a monotone map from the model's scores to the set's "
                      "labels, store it (INTERVIEWER_SCORE_MAPS) and report before and after. "
                      "Fit on a tuning set, never on a holdout.")] = False,
) -> None:
    """Grade a labelled answer set and measure agreement with the expert labels.

    Reports QWK, Spearman, exact and adjacent agreement (overall and per criterion), a
    confusion matrix, how each kind of adversarial answer fared and the slowest items;
    writes Markdown and JSON, keeps the run for the web page's Calibration tab, and exits 1
    when a threshold or an adversarial rule fails.

    \b
    Example:
      interviewer calibrate --set calibration/holdout.jsonl --min-qwk 0.7
    """
    from interviewer import calibration
    from interviewer.web.app import build_service

    settings = get_settings()
    path = set_path or paths.calibration_dir() / "answers.jsonl"
    try:
        items = calibration.load_set(path)
        chosen = _strict(ModelRegistry(settings)(model or default_model_name(settings)))
    except (calibration.CalibrationError, UnknownModel, OSError) as exc:
        raise _fail(str(exc)) from None
    if fit and getattr(chosen, "score_map", False) is False:
        raise _fail("--fit needs an LLM model; the offline grader's levels are refitted with "
                    "`python -m interviewer.offline.refit`")
    if fit:
        chosen.score_map = None  # fit on the raw model, not on an earlier map's output
    try:
        report = asyncio.run(calibration.run_calibration(chosen, items,
                                                         progress=terminal.calibration_progress(err)))
    except ModelUnavailable as exc:
        raise _fail(f"the model is unavailable: {exc}. No report was written", 1) from None
    if fit:
        report = _fit_and_report(report, items, path, settings.score_maps, out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "calibration.md").write_text(report.to_markdown(), encoding="utf-8")
    (out / "calibration.json").write_text(report.model_dump_json(indent=2), encoding="utf-8")
    build_service(settings).store.save_calibration(report.model, str(path),
                                                   report.model_dump_json(), LOCAL_OWNER)
    print(report.to_markdown())
    failed = report.thresholds_failed(min_qwk, min_spearman, min_ranking)
    for line in failed:
        err.print(f"[red]✗[/red] {line}", highlight=False)
    raise typer.Exit(1 if failed else 0)


def _fit_and_report(report, items, set_path: Path, maps_path: Path, out: Path):
    """Fit and store the map, print before and after, and return the report after the map."""
    from interviewer.calibration_fit import before_after, fit_map, with_map
    from interviewer.llm.score_map import save_map

    score_map = fit_map(report, report.model, set_path)
    save_map(maps_path, score_map)
    after = with_map(report, items, score_map)
    table = before_after(report, after)
    out.mkdir(parents=True, exist_ok=True)
    (out / "calibration-before.json").write_text(report.model_dump_json(indent=2), "utf-8")
    print(f"Fitted a score map for {report.model} on {score_map.pairs} labelled criterion "
          f"scores; stored in {maps_path}. Raw level -> calibrated: "
          + ", ".join(f"{k} -> {v:.2f}" for k, v in score_map.levels.items()))
    print(table + "\n")
    return after


if __name__ == "__main__":  # pragma: no cover
    app()
