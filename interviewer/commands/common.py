"""What every `interviewer` sub-command shares: the error console, the one way to fail with
a message, the options several commands take, and opening the database or refusing to."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from interviewer.models.base import InterviewModel
from interviewer.settings import get_settings
from interviewer.taxonomy import AREAS, TOPICS

err = Console(stderr=True, soft_wrap=True)

AreaOpt = Annotated[str | None, typer.Option(help=f"Platform area: {', '.join(AREAS)}.")]
TopicOpt = Annotated[str | None, typer.Option(help=f"Topic: {', '.join(TOPICS)}.")]
ModelOpt = Annotated[str | None, typer.Option(
    "--model", help="'offline', or a model name on the server at OPENAI_BASE_URL "
                    "(default: INTERVIEWER_MODEL, else an LLM when OPENAI_API_KEY is set, "
                    "else offline).")]
OwnerOpt = Annotated[str | None, typer.Option(
    "--owner", help="Only this owner's interviews: an account's username, or 'local' for "
                    "this machine's CLI and loopback browser.")]


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print `error: message` to standard error; the exit to raise (2: the call was wrong)."""
    err.print(f"[red]error:[/red] {message}", highlight=False)
    return typer.Exit(code)


def choice(name: str, value: str | None, allowed: tuple[str, ...]) -> None:
    """Refuse a value outside `allowed`, listing what is allowed."""
    if value is not None and value not in allowed:
        raise fail(f"unknown {name} {value!r}; choose one of: {', '.join(allowed)}")


def open_store_or_exit() -> None:
    """Open (and migrate) the configured database once, or exit 1 saying why: a damaged
    SQLite file is refused rather than served."""
    from interviewer.storage import StorageCorrupt, StorageUnavailable, Store

    try:
        Store(get_settings().db_target()).close()
    except StorageCorrupt as exc:
        raise fail(f"{exc}. The server will not start on a damaged database: restore your "
                   "latest `interviewer backup`, or move the file aside to start afresh.",
                   1) from None
    except (StorageUnavailable, ValueError) as exc:
        raise fail(f"cannot open the database: {exc}", 1) from None


def strict(model: InterviewModel) -> InterviewModel:
    """A model asked for by name must answer or fail: no offline grade when it is down."""
    if hasattr(model, "fall_back_when_unavailable"):
        model.fall_back_when_unavailable = False  # type: ignore[attr-defined]
    return model
