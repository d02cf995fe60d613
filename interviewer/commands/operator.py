"""The operator's commands on the database's machine: copy it, and read any owner's
interviews (history, export, progress), narrowed to one owner with --owner.

They run for whoever holds the database file, as `backup` copies every interview; the web
app and the API show each caller only their own (interviewer/owners.py says how a name
becomes an owner)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from interviewer.commands.common import OwnerOpt, choice, fail, open_store_or_exit
from interviewer.settings import get_settings
from interviewer.storage import LOCAL_OWNER


def backup(path: Annotated[Path, typer.Argument(help="Where to write the copy.")]) -> None:
    """Copy the database to PATH, safely, while the server runs.

    SQLite: a consistent copy through SQLite's online backup API. Copying the .db file is
    not a backup: the newest answers may still be in the -wal file beside it.
    PostgreSQL: runs pg_dump (custom format; restore with pg_restore).
    """
    from interviewer.storage import Store

    settings = get_settings()
    if path.exists():
        raise fail(f"{path} already exists; choose a new file name")
    if settings.uses_postgres:
        _pg_dump(settings.db, path)
    else:
        open_store_or_exit()
        Store(settings.db_path()).backup(path)
    print(f"Backed up to {path}.")


def _pg_dump(url: str, path: Path) -> None:
    import glob
    import shutil
    import subprocess

    found = shutil.which("pg_dump") or next(iter(sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_dump"), reverse=True)), None)
    if found is None:
        raise fail("pg_dump was not found: install the PostgreSQL client (Debian: "
                    "postgresql-client) or run `pg_dump --format=custom --file PATH DSN` "
                    "on a machine that has it", 1)
    done = subprocess.run([found, "--format=custom", f"--file={path}", f"--dbname={url}"],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise fail(f"pg_dump failed: {done.stderr.strip()}", 1)


def progress(owner: Annotated[str | None, typer.Option(
        "--owner", help="Whose progress: an account's username, or 'local' (the default) for "
                        "this machine's CLI and loopback browser.")] = None) -> None:
    """Show how each criterion and topic moved over your interviews, your weakest criteria
    and the practice to do next (the web page's Progress, for this machine's interviews
    unless --owner names an account).

    \b
    Example:
      interviewer progress --owner alice
    """
    from interviewer import owners
    from interviewer.progress import overview, text
    from interviewer.web.app import build_service

    open_store_or_exit()
    service = build_service(get_settings())
    try:
        whose = owners.owner_id(service.store, owner or LOCAL_OWNER)
    except owners.UnknownOwner as exc:
        raise fail(str(exc)) from None
    print("\n".join(text.lines(overview.for_owner(service.store, service.library, whose))))


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

    open_store_or_exit()
    store = build_service(get_settings()).store
    try:
        rows = owners.history(store, owner, limit)
    except owners.UnknownOwner as exc:
        raise fail(str(exc)) from None
    if not rows:
        print("No interviews" + (f" owned by {owner}." if owner else "."))
    for r in rows:
        print(f"{r.id}  {r.created_at[:16].replace('T', ' ')}  {r.owner:<20} {r.status:<11} "
              f"{r.questions} question{'s' if r.questions != 1 else ''}, {r.model}")


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

    choice("format", fmt, FORMATS)
    open_store_or_exit()
    service = build_service(get_settings())
    try:
        record = owners.load_for(service.store, interview_id, owner)
    except owners.UnknownOwner as exc:
        raise fail(str(exc)) from None
    except NotFound:
        whose = f" owned by {owner}" if owner else ""
        raise fail(f"no interview with id {interview_id!r}{whose}; `interviewer history` "
                    "lists them") from None
    done = render(of_record(service, record), fmt)
    if output is None and fmt != "pdf":
        sys.stdout.write(done.body.decode("utf-8"))
        return
    target = output or Path(done.filename)
    try:
        target.write_bytes(done.body)
    except OSError as exc:
        raise fail(f"cannot write {target}: {exc.strerror or exc}", 1) from None
    print(f"Wrote {target}.")
