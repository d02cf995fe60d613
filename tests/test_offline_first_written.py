"""Questions as first written (interviewer/offline/first_written.py): the unseen-question
estimate of `refit --folds --original` grades held-out sets on the outline and red flags a
question had before anyone who had seen its answers edited them."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from interviewer.library import default_library, load_library
from interviewer.offline import first_written, refit
from interviewer.paths import data_root

QID = "api-flight-fare-taxes-field-meaning"  # has an outline and its own red flags today


def _file(*questions: dict) -> str:
    return yaml.safe_dump({"area": "api-products", "questions": list(questions)})


def test_first_of_takes_each_question_from_the_oldest_file_that_has_it() -> None:
    old = _file({"id": "a", "strong_answer": ["first outline"]})
    new = _file({"id": "a", "strong_answer": ["edited outline"], "red_flags": [{"id": "x"}]},
                {"id": "b", "strong_answer": ["b as added"]})
    found = first_written.first_of(["a", "b", "never-written"], [old, new])
    assert found["a"] == {"id": "a", "strong_answer": ["first outline"]}
    assert found["b"]["strong_answer"] == ["b as added"]
    assert "never-written" not in found


def test_first_of_stops_reading_once_every_question_is_found() -> None:
    read = []

    def files():
        for text in (_file({"id": "a", "strong_answer": ["x"]}), "not: [valid", "never"):
            read.append(text)
            yield text

    assert first_written.first_of(["a"], files())["a"]["strong_answer"] == ["x"]
    assert len(read) == 1  # the broken file after it was never parsed


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=300))
def test_first_of_never_crashes_on_odd_yaml_without_questions(text: str) -> None:
    """Whatever a file holds, a mapping without a `questions` list yields nothing."""
    body = yaml.safe_dump({"note": text})
    assert first_written.first_of(["a"], [body]) == {}


def test_as_first_written_takes_outline_and_red_flags_from_history() -> None:
    today = default_library().question(QID)
    assert today.red_flags  # written with the question, and still there
    first = {"id": QID, "strong_answer": ["Only this point was written at first."]}
    older = first_written.as_first_written(today, first)
    assert older.strong_answer == ["Only this point was written at first."]
    assert older.red_flags == []
    assert older.text == today.text and older.topic == today.topic
    assert first_written.edited(today, first)
    same = {"strong_answer": list(today.strong_answer),
            "red_flags": [r.model_dump() for r in today.red_flags]}
    assert not first_written.edited(today, same)


def test_questions_in_use_swaps_and_always_restores() -> None:
    library = load_library()
    today = library.question(QID)
    older = first_written.as_first_written(today, {"strong_answer": ["one point"]})
    with pytest.raises(RuntimeError), first_written.questions_in_use(
            library, {QID: older, "no-such-question": older}) as swapped:
        assert swapped == 1
        assert library.question(QID) is older
        assert library.rubric_for(older).red_flags == library.rubrics[today.topic].for_kind(
            today.kind).red_flags
        raise RuntimeError("a fold fails half way")
    assert library.question(QID) is today
    assert "no-such-question" not in library.questions
    assert library.rubric_for(today).red_flags[-len(today.red_flags):] == today.red_flags


def _git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


def test_first_versions_reads_the_repository_history(tmp_path: Path) -> None:
    folder = tmp_path / "prompts" / "questions"
    folder.mkdir(parents=True)
    _git(tmp_path, "init", "-q")
    (folder / "api.yaml").write_text(_file({"id": "a", "strong_answer": ["as written"]}))
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "add a")
    (folder / "api.yaml").write_text(_file({"id": "a", "strong_answer": ["after tuning"]},
                                           {"id": "b", "strong_answer": ["b"]}))
    _git(tmp_path, "commit", "-qam", "tune a, add b")
    found = first_written.first_versions(tmp_path, ["a", "b"])
    assert found["a"]["strong_answer"] == ["as written"]
    assert found["b"]["strong_answer"] == ["b"]


def test_no_history_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(first_written.HistoryError, match="git"):
        first_written.first_versions(tmp_path, ["a"])


def test_original_needs_folds(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        refit.main(["--original"])
    assert "--original measures held-out sets" in capsys.readouterr().err


def _head(root: Path) -> str:
    return subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], check=True,
                          capture_output=True, text=True).stdout.strip()


def test_rubrics_at_a_commit_and_the_set_that_commit_added(tmp_path: Path) -> None:
    """The rubrics as a set found them: loaded from the commit that added the set, graded
    with inside the block, today's again after it; a version today's schema refuses is a
    clear error."""
    folder = tmp_path / "rubrics"
    shutil.copytree(data_root() / "rubrics", folder)
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "rubrics")
    sets = tmp_path / "calibration"
    sets.mkdir()
    (sets / "blind-x.jsonl").write_text("{}\n")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "a blind set")
    added = _head(tmp_path)
    _git(tmp_path, "mv", "calibration/blind-x.jsonl", "calibration/blind-y.jsonl")
    _git(tmp_path, "commit", "-qm", "moved, as a set parked in pending/ and back")
    (sets / "blind-y.jsonl").write_text("{}\n{}\n")
    versioning = folder / "versioning.yaml"
    versioning.write_text(versioning.read_text().replace("levels:", "levelz:", 1))
    _git(tmp_path, "commit", "-qam", "later edits")
    assert first_written.added_in(tmp_path, sets / "blind-y.jsonl") == added
    then = first_written.rubrics_at(tmp_path, added)
    assert set(then) == set(default_library().rubrics)
    with pytest.raises(first_written.HistoryError, match="do not load today"):
        first_written.rubrics_at(tmp_path, _head(tmp_path))
    library = load_library()
    today = library.rubrics
    question = library.question(QID)
    before = library.rubric_for(question)
    with first_written.rubrics_in_use(library, then):
        assert library.rubrics is then
        assert library.rubric_for(question) is not before
    assert library.rubrics is today
    with pytest.raises(first_written.HistoryError, match="never committed"):
        first_written.added_in(tmp_path, sets / "never.jsonl")
