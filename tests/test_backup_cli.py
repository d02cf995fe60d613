"""`interviewer backup` and the start-up check that refuses a damaged database."""

from __future__ import annotations

import glob
import sqlite3
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from interviewer.cli import app as cli
from interviewer.engine import Plan, Turn
from interviewer.settings import get_settings
from interviewer.storage import Store

pytestmark = pytest.mark.both_backends


def _with_answer(target: str) -> str:
    store = Store(target)
    iid = store.create(Plan("single", None, None, ("q",)), "offline")
    store.add_turn(iid, 0, Turn("interviewer", "question", "q", "Why?"))
    store.add_turn(iid, 1, Turn("candidate", "answer", "q", "Because it scales."))
    return iid


def test_backup_copies_every_answer_while_the_database_is_open(
        backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERVIEWER_DB", backend)
    get_settings.cache_clear()
    _with_answer(backend)
    target = tmp_path / "copy.backup"
    result = CliRunner().invoke(cli, ["backup", str(target)])
    assert result.exit_code == 0, result.output
    if "://" in backend:  # PostgreSQL: a pg_dump custom-format archive
        assert target.read_bytes().startswith(b"PGDMP")
        restore = next(iter(sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_restore"))))
        sql = subprocess.run([restore, "--data-only", "--file=-", str(target)],
                             capture_output=True, text=True, check=True).stdout
        assert "Because it scales." in sql
    else:
        with sqlite3.connect(target) as copy:
            rows = copy.execute("SELECT text FROM turns ORDER BY seq").fetchall()
        assert rows == [("Why?",), ("Because it scales.",)]
    again = CliRunner().invoke(cli, ["backup", str(target)])
    assert again.exit_code == 2 and "already exists" in again.output


def test_serve_refuses_a_damaged_database_with_a_clear_message(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "damaged.db"
    db.write_bytes(b"SQLite format 3\x00" + b"\xa5" * 8192)
    monkeypatch.setenv("INTERVIEWER_DB", str(db))
    get_settings.cache_clear()
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: pytest.fail("the server started"))
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 1
    assert "will not start on a damaged database" in result.output
    assert "Traceback" not in result.output
