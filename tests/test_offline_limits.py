"""calibration/offline_limits.py, the report of what the offline grader cannot judge: its
counts come from the grader's own reading, and switching a reading off is undone after."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from interviewer.offline import red_flags
from interviewer.paths import data_root

QUESTION = "api-stacked-offers-single-field"
HARM = "We would log the credit card number on every call so support can replay it."
WARNED = "We would never log the credit card number, which would be a disaster."


@pytest.fixture(scope="module")
def limits() -> ModuleType:
    path = data_root() / "calibration" / "offline_limits.py"
    spec = importlib.util.spec_from_file_location("offline_limits", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up by name
    spec.loader.exec_module(module)
    return module


def _item(id_: str, kind: str, answer: str, overall: float) -> dict[str, object]:
    return {"id": id_, "question_id": QUESTION, "area": "api-products", "topic": "versioning",
            "question": "How would you change the offer field?", "answer": answer,
            "kind": kind, "label": {"overall": overall}}


def _set(tmp_path: Path, *items: dict[str, object]) -> Path:
    path = tmp_path / "blind-holdout-99.jsonl"
    path.write_text("".join(json.dumps(i) + "\n" for i in items), encoding="utf-8")
    return path


def test_a_wrong_design_that_raises_a_flag_is_counted_flagged(
        limits: ModuleType, tmp_path: Path) -> None:
    rows = limits.read_sets([_set(tmp_path, _item("w1", "wrong-design", HARM, 1.5))])
    assert [(r.id, r.flagged) for r in rows] == [("w1", True)]
    assert rows[0].grade <= limits.WRONG_DESIGN_CEILING
    assert "| blind-holdout-99 | 0 of 1 | 1 | 0 of 0 |" in limits.set_table(rows)


def test_a_cue_held_back_by_a_warning_counts_against_that_reading(
        limits: ModuleType, tmp_path: Path) -> None:
    rows = limits.read_sets([_set(tmp_path, _item("g1", "honest", WARNED, 3.0))])
    assert not rows[0].flagged
    assert "_warns" in rows[0].gained  # with the warning reading off, the cue would fire
    assert "| _warns | 0 | 1 |" in limits.readings_table(rows)


def test_switching_a_reading_off_is_undone(limits: ModuleType) -> None:
    kept = red_flags._warns
    with limits.reading_off("_warns"):
        assert red_flags._warns is not kept
    assert red_flags._warns is kept


def test_newest_sets_are_the_highest_numbered(limits: ModuleType) -> None:
    names = [p.stem for p in limits.newest_sets(3)]
    numbers = [int(n.rsplit("-", 1)[1]) for n in names]
    assert numbers == sorted(numbers) and len(numbers) == 3
    assert numbers[-1] >= 21
