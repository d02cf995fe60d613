"""`interviewer check` and the shipped library's size and shape."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from interviewer.cli import app
from interviewer.library import default_library
from interviewer.taxonomy import AREAS, KINDS, LEVELS, TOPICS
from tests.conftest import write_mini_library

runner = CliRunner()


def test_shipped_library_passes_check() -> None:
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0, result.output
    assert "Library OK" in result.output


def test_shipped_library_meets_the_coverage_floor() -> None:
    questions = list(default_library().questions.values())
    assert len(questions) >= 60
    areas, topics = Counter(q.area for q in questions), Counter(q.topic for q in questions)
    assert all(areas[a] >= 10 for a in AREAS), areas
    assert all(topics[t] >= 5 for t in TOPICS), topics
    assert {q.kind for q in questions} == set(KINDS)
    assert {q.level for q in questions} == set(LEVELS)
    assert all(len(q.follow_ups) >= 2 for q in questions)


def test_every_rubric_criterion_has_four_levels_and_evidence() -> None:
    for rubric in default_library().rubrics.values():
        for c in rubric.criteria:
            assert sorted(c.levels) == [1, 2, 3, 4]
            assert c.evidence and c.weight > 0 and c.concepts


def _break(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize(("relative", "old", "new", "expected"), [
    ("rubrics/versioning.yaml", "summary:", "colour: red\nsummary:",
     "versioning.yaml: colour: unknown field"),
    ("prompts/questions/api-products.yaml", "kind: design", "kind: design\n    colour: x",
     "api-products.yaml: questions[0].colour: unknown field"),
    ("prompts/questions/api-products.yaml", "criterion: api-design-depth",
     "criterion: charisma",
     "api-products.yaml: q0-0.follow_ups[0].criterion: 'charisma' is not a criterion"),
    ("prompts/questions/data-platforms.yaml", "id: q2-0", "id: q0-0",
     "data-platforms.yaml: q0-0.id: duplicate question id"),
    ("prompts/questions/api-products.yaml", "level: senior", "level: brutal",
     "api-products.yaml: questions[0].level: Input should be 'pm', 'senior' or 'staff'"),
    ("rubrics/trade-offs.yaml", "topic: trade-offs", "topic: haggling",
     "trade-offs.yaml: topic: Input should be"),
])
def test_check_names_the_file_and_field(tmp_path: Path, relative: str, old: str, new: str,
                                        expected: str) -> None:
    root = write_mini_library(tmp_path / "lib")
    _break(root, relative, old, new)
    result = runner.invoke(app, ["check", "--root", str(root)])
    assert result.exit_code == 1
    assert expected in result.output


def test_check_reports_a_topic_without_a_rubric(tmp_path: Path) -> None:
    root = write_mini_library(tmp_path / "lib")
    (root / "rubrics" / "observability.yaml").unlink()
    result = runner.invoke(app, ["check", "--root", str(root)])
    assert result.exit_code == 1
    assert "no rubric for topic 'observability'" in result.output
