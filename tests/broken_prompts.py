"""Break one line of a shipped prompts/ file in a throwaway library and run `interviewer
check` on it: the tests for each grader file only say which line and what error to expect."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from interviewer.cli import app
from tests.conftest import write_mini_library


def check_with_edit(tmp_path: Path, relative: str, shipped: Path, old: str, new: str) -> str:
    """`check`'s output, on one line, for a library whose prompts/`relative` is the shipped
    file with `old` replaced by `new`; the check must fail."""
    root = write_mini_library(tmp_path / "lib")
    target = root / "prompts" / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(shipped, target)
    text = target.read_text(encoding="utf-8")
    assert old in text
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "--root", str(root)])
    assert result.exit_code == 1
    return " ".join(result.output.split())
