"""Every YAML file a platform PM edits fails the same way when it is broken: one ValueError
that names the file and the field (or the line, for bad YAML), never a pydantic dump."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from interviewer.cli import app
from interviewer.conversation import check_conversation, load_conversation
from interviewer.llm.anchors import load_anchors
from interviewer.llm.guard import turn_checks
from interviewer.paths import prompts_dir
from interviewer.speech.delivery import load_rules
from tests.conftest import write_mini_library

# loader, file under prompts/, a line of the shipped file, what it becomes, the message
CASES = [
    (load_conversation, "conversation.yaml", "probe_for_depth_at: 3.5",
     "probe_for_depth_at: 9", "probe_for_depth_at: Input should be less than or equal to 4"),
    (check_conversation, "conversation.yaml", "  min_words: 3", "  min_words: three",
     "quote.min_words: Input should be a valid integer"),
    (load_rules, "speech/delivery.yaml", "  long_pause_seconds: 2.0",
     "  long_pause_seconds: two", "pauses.long_pause_seconds: Input should be a valid number"),
    (turn_checks, "llm/turn_checks.yaml", "max_chars: 1200", "max_chars: 10",
     "max_chars: Input should be greater than or equal to 100"),
]
LOADERS = [(c[0], c[1]) for c in CASES]
Loader = Callable[[Path], Any]


def _copy(tmp_path: Path, relative: str, old: str, new: str) -> Path:
    source = (prompts_dir() / relative).read_text(encoding="utf-8")
    assert old in source, f"{relative} no longer has {old!r}: update this test"
    bad = tmp_path / Path(relative).name
    bad.write_text(source.replace(old, new, 1), encoding="utf-8")
    return bad


@pytest.mark.parametrize(("load", "relative", "old", "new", "message"), CASES)
def test_a_wrong_value_names_the_file_and_the_field(tmp_path: Path, load: Loader,
                                                    relative: str, old: str, new: str,
                                                    message: str) -> None:
    bad = _copy(tmp_path, relative, old, new)
    with pytest.raises(ValueError) as caught:
        load(bad)
    assert str(caught.value).startswith(f"{bad}: {message}")
    assert "pydantic" not in str(caught.value)  # not the library's long dump with its URL
    assert load(prompts_dir() / relative)  # the shipped file itself still loads


@pytest.mark.parametrize(("load", "relative"), LOADERS)
def test_an_unknown_key_is_named(tmp_path: Path, load: Loader, relative: str) -> None:
    bad = tmp_path / "extra.yaml"
    bad.write_text((prompts_dir() / relative).read_text("utf-8") + "\nsurprise: 1\n", "utf-8")
    with pytest.raises(ValueError, match=r"extra\.yaml: surprise: Extra inputs are not permitted"):
        load(bad)


@pytest.mark.parametrize(("load", "relative"), LOADERS)
def test_broken_yaml_names_the_file_and_the_line(tmp_path: Path, load: Loader,
                                                 relative: str) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("opening: [unclosed\nclose: x\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"broken\.yaml: line 2, column 6: while parsing a flow "
                                         r"sequence: expected .,. or .\]., but got .:.$"):
        load(bad)


@pytest.mark.parametrize(("load", "relative"), LOADERS)
def test_an_empty_or_missing_file_is_named(tmp_path: Path, load: Loader, relative: str) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("# nothing here yet\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"empty\.yaml: the whole file: Input should be"):
        load(empty)
    with pytest.raises(ValueError, match=r"gone\.yaml: .*No such file"):
        load(tmp_path / "gone.yaml")


@pytest.mark.parametrize(("load", "relative", "old", "new", "message"), CASES[1:])
def test_interviewer_check_reports_the_broken_file(tmp_path: Path, load: Loader,
                                                   relative: str, old: str, new: str,
                                                   message: str) -> None:
    root = write_mini_library(tmp_path / "lib")
    target = root / "prompts" / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(_copy(tmp_path, relative, old, new).read_text("utf-8"), "utf-8")
    result = CliRunner().invoke(app, ["check", "--root", str(root)])
    assert result.exit_code == 1
    assert f"{target}: {message}" in " ".join(result.output.split())


def test_a_broken_anchor_file_names_the_anchor_and_field_and_a_missing_one_is_none(
        tmp_path: Path) -> None:
    """The LLM grader's anchors are optional (no file: no anchors), but a broken one is the
    same clear error as every other file's."""
    bad = _copy(tmp_path, "anchors.yaml", "  - level: 1\n", "  - level: 5\n")
    with pytest.raises(ValueError) as caught:
        load_anchors(bad)
    assert str(caught.value).startswith(
        f"{bad}: anchors.api-design.0.level: Input should be less than or equal to 4")
    assert load_anchors(tmp_path / "none.yaml") == {}
    assert load_anchors(prompts_dir() / "anchors.yaml")
