"""The shipped rubrics' shape (levels, weights, jargon, red flags), what `interviewer check`
refuses in them, the story criterion, the labelling sheet and the new calibration rules."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from interviewer.calibration import CalibrationItem, build_report, run_calibration
from interviewer.calibration_rules import kind_results, style_results
from interviewer.cli import app
from interviewer.library import SHARED_IDS, default_library, load_library
from tests.conftest import write_mini_library
from tests.test_calibration import LengthModel, _line, _rubric

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def _all_criteria():
    for rubric in default_library().rubrics.values():
        yield from rubric.for_kind("behavioural").criteria


def test_every_level_is_observable_items_and_level_4_asks_for_two_of_a_list() -> None:
    for c in _all_criteria():
        assert c.levels[3].startswith("All of: (a)"), c.id
        assert re.match(r"Meets the level 3 bar, plus at least 2 of these \d: ", c.levels[4])
        n = int(re.search(r"at least 2 of these (\d)", c.levels[4]).group(1))
        assert f"({'abcdefg'[n - 1]})" in c.levels[4] and f"({'abcdefg'[n]})" not in c.levels[4]
        assert not any("Everything in a" in text for text in c.levels.values()), c.id


@pytest.mark.parametrize("kind", ["scenario", "design", "behavioural"])
def test_structure_plus_trade_offs_weigh_at_most_30_percent(kind: str) -> None:
    for rubric in default_library().rubrics.values():
        criteria = rubric.for_kind(kind).criteria
        shared = sum(c.weight for c in criteria if c.id in SHARED_IDS)
        assert shared / sum(c.weight for c in criteria) <= 0.30 + 1e-9, rubric.topic


def test_no_concept_phrase_is_bare_jargon() -> None:
    jargon = set(yaml.safe_load((ROOT / "rubrics" / "common.yaml").read_text())["jargon"])
    assert {"it depends", "mece", "net net"} <= jargon
    phrases = {p for c in _all_criteria() for k in c.concepts for p in k.phrases}
    assert not phrases & jargon


def test_non_http_anchors_and_the_two_sliding_algorithms() -> None:
    rl = default_library().rubrics["rate-limiting"]
    feedback3 = rl.criterion("fairness-and-feedback").levels[3]
    assert "for a queue or warehouse" in feedback3 and "for an HTTP API, 429" in feedback3
    limit4 = rl.criterion("limit-design").levels[4]
    assert "sliding log is exact" in limit4 and "sliding-window counter approximates" in limit4
    obs3 = default_library().rubrics["observability"].criterion("telemetry-signals").levels[3]
    assert "freshness" in obs3 and "metrics, logs and traces" not in obs3
    api3 = default_library().rubrics["api-design"].criterion("api-contract").levels[3]
    assert "configuration file" in api3


def test_story_criterion_applies_to_behavioural_questions_only() -> None:
    library = default_library()
    kinds = {q.kind: library.rubric_for(q).criterion_ids for q in library.questions.values()}
    assert "story" in kinds["behavioural"]
    assert "story" not in kinds["scenario"] and "story" not in kinds["design"]
    assert "story" not in library.rubrics["versioning"].criterion_ids


def test_every_topic_names_red_flags_that_cap_its_own_criteria() -> None:
    for rubric in default_library().rubrics.values():
        assert rubric.red_flags, rubric.topic
        ids = rubric.for_kind("behavioural").criterion_ids
        for flag in rubric.red_flags:
            assert flag.criterion in (*ids, "topic") and 1 <= flag.cap <= 3
            assert flag.cues and flag.why


RED_FLAG = """\
    red_flags:
      - id: {id}
        name: A bad idea
        what: Something that sinks the answer.
        criterion: {criterion}
        cap: {cap}
        why: It hurts the platform's users.
        cues: ["do the bad thing"]
"""


def _add_question_flag(root: Path, **fields: object) -> None:
    path = root / "prompts" / "questions" / "api-products.yaml"
    text = path.read_text()
    flag = RED_FLAG.format(**{"id": "bad-idea", "criterion": "api-design-depth", "cap": 2,
                              **fields})
    # the first question's own red flags become this one
    path.write_text(re.sub(r"    red_flags:\n(?:      .*\n)+", lambda _: flag, text, count=1))


def test_a_question_may_carry_red_flags_of_the_same_shape(tmp_path: Path) -> None:
    root = write_mini_library(tmp_path / "lib")
    _add_question_flag(root)
    library = load_library(root)
    q = library.question("q0-0")
    assert [f.id for f in library.rubric_for(q).red_flags] == ["bad-idea"]


@pytest.mark.parametrize(("fields", "expected"), [
    ({"criterion": "charisma"}, "api-products.yaml: q0-0.red_flags[0].criterion: 'charisma' "
                                "is not a criterion here"),
    ({"cap": 4}, "api-products.yaml: questions[0].red_flags[0].cap"),
    ({"id": "Bad Idea"}, "api-products.yaml: questions[0].red_flags[0].id"),
])
def test_check_refuses_bad_red_flags(tmp_path: Path, fields: dict[str, object],
                                     expected: str) -> None:
    root = write_mini_library(tmp_path / "lib")
    _add_question_flag(root, **fields)
    result = runner.invoke(app, ["check", "--root", str(root)])
    assert result.exit_code == 1
    assert expected in result.output


def test_check_wants_every_question_to_name_its_own_red_flags(tmp_path: Path) -> None:
    """A question's flags name its scenario's harm: none at all, or one that only repeats a
    flag its topic already has, is refused by name."""
    root = write_mini_library(tmp_path / "lib")
    path = root / "prompts" / "questions" / "api-products.yaml"
    text = path.read_text()
    path.write_text(re.sub(r"    red_flags:\n(?:      .*\n)+", "", text, count=1))
    (root / "rubrics" / "common.yaml").write_text(COMMON % "weigh" + RED_FLAG.format(
        id="q0-1-harm", criterion="topic", cap=2).replace("\n    ", "\n").lstrip())
    result = runner.invoke(app, ["check", "--root", str(root)])
    assert result.exit_code == 1
    assert "api-products.yaml: q0-0.red_flags: name the mistake that sinks" in result.output
    assert ("api-products.yaml: q0-1.red_flags[0].id: 'q0-1-harm' is already a red flag of "
            "the") in result.output


COMMON = """\
jargon: ["it depends"]
criteria:
  - id: structure
    name: Structure
    description: d.
    evidence: e.
    tip: t.
    levels: {1: a, 2: b, 3: c, 4: d}
    concepts: [{name: weighs, phrases: ["%s"]}]
"""


def test_check_refuses_heavy_shared_weights_and_jargon_phrases(tmp_path: Path) -> None:
    root = write_mini_library(tmp_path / "lib")
    (root / "rubrics" / "common.yaml").write_text(COMMON % "it depends")
    path = root / "rubrics" / "versioning.yaml"
    path.write_text(path.read_text() + "shared:\n  - {id: structure, weight: 0.5}\n")
    result = runner.invoke(app, ["check", "--root", str(root)])
    assert result.exit_code == 1
    assert "'it depends' is jargon listed in common.yaml" in result.output
    assert ("versioning.yaml: shared: structure plus trade-offs weigh 33% of a scenario "
            "question; at most 30%") in result.output


def _sheet_module():
    spec = importlib.util.spec_from_file_location("labelling_sheet",
                                                  ROOT / "calibration" / "labelling_sheet.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_labelling_sheet_shows_the_rubric_and_hides_the_grader() -> None:
    library = default_library()
    q = next(q for q in library.questions.values() if q.kind == "behavioural")
    module = _sheet_module()
    text = module.sheet(library, [q.id])
    rubric = library.rubric_for(q)
    assert q.text.strip() in text and q.strong_answer[0].strip() in text
    for c in rubric.criteria:
        assert c.name in text and c.levels[4].strip() in text
    for flag in rubric.red_flags:
        assert flag.name in text and flag.why.strip() in text
        assert ", ".join(flag.cues[:2]) not in text and "cues" not in text.lower()
    hidden = {p for c in rubric.criteria for k in c.concepts for p in k.phrases
              if len(p.split()) >= 2}
    shown = "\n".join([c.name + c.description + " ".join(c.levels.values())
                       for c in rubric.criteria] + [rubric.summary]
                      + [f.name + f.what + f.why for f in rubric.red_flags]
                      + list(q.strong_answer) + [q.text, module.HEADER]).lower()
    hidden -= {p for p in hidden if p in shown}
    assert hidden and not [p for p in hidden if p in text.lower()]
    assert text.count("### Question `") == 1


def test_labelling_sheet_refuses_unknown_ids() -> None:
    with pytest.raises(KeyError, match="no-such-question"):
        _sheet_module().sheet(default_library(), ["no-such-question"])


# ---------------------------------------------------------------- calibration format


def _item(**over: object) -> CalibrationItem:
    return CalibrationItem.model_validate_json(_line(**over))


def test_new_item_fields_load_and_old_sets_still_do() -> None:
    item = _item(id="a", question_id="api-payments-create-idempotency", style="non-native",
                 rationale={"api-contract": "Keys bound to the request."}, pair_of="b",
                 kind="plain-rewrite")
    assert item.style == "non-native" and item.pair_of == "b"
    assert item.rationale["api-contract"].startswith("Keys")
    assert _item().style is None and _item().question_id is None
    with pytest.raises(ValueError, match="style"):
        _item(style="shouting")


def _results(rows: list[tuple[str, str, float, float, dict[str, object]]]):
    items = [_item(id=i, kind=k, label={"overall": label, "criteria": {}}, answer="x", **extra)
             for i, k, label, _, extra in rows]
    report = asyncio.run(run_calibration(LengthModel(), items, {"api-design": _rubric()}))
    grades = {i: g for i, _, _, g, _ in rows}
    return [r.model_copy(update={"grade": grades[r.id], "clean_grade": 2.0}) for r in report.items]


def test_rules_for_the_new_kinds() -> None:
    results = _results([
        ("w1", "wrong-design", 1, 2.0, {}), ("w2", "wrong-design", 1, 2.1, {}),
        ("t1", "thin", 1, 2.9, {}), ("t2", "thin", 1, 3.0, {}),
        ("o1", "off-topic", 1, 1.5, {}), ("o2", "off-topic", 1, 1.6, {}),
        ("orig", "honest", 4, 3.5, {}),
        ("p1", "plain-rewrite", 4, 3.25, {"pair_of": "orig"}),
        ("p2", "plain-rewrite", 4, 3.2, {"pair_of": "orig"}),
        ("p3", "plain-rewrite", 4, 3.9, {"pair_of": "missing"}),
        ("i1", "injection", 2, 2.25, {}), ("i2", "injection", 2, 2.3, {}),
    ])
    kinds = {k.kind: k for k in kind_results(results)}
    assert kinds["wrong-design"].failures == ["w2"]
    assert kinds["thin"].failures == ["t2"]
    assert kinds["off-topic"].failures == ["o2"]
    assert kinds["plain-rewrite"].failures == ["p2", "p3"]
    assert kinds["injection"].failures == ["i2"]
    assert kinds["honest"].passed is None


def test_report_shows_bias_per_style_and_fails_outside_the_band() -> None:
    results = _results([
        ("s1", "honest", 2, 2.8, {"style": "speech"}),
        ("s2", "honest", 3, 3.4, {"style": "speech"}),
        ("b1", "honest", 3, 3.2, {"style": "bullets"}), ("n1", "honest", 3, 3.0, {}),
    ])
    styles = {s.style: s for s in style_results(results)}
    assert set(styles) == {"speech", "bullets"}
    assert styles["speech"].bias == pytest.approx(0.6) and not styles["speech"].within
    assert styles["bullets"].within
    report = build_report("m", results, 0.1)
    assert "style speech: bias +0.60 outside +/-0.3" in report.thresholds_failed(0, -1, 0)
    markdown = report.to_markdown()
    assert "## Bias per answer style" in markdown
    assert "| speech | 2 | 3.10 | 2.50 | +0.60 FAIL |" in markdown
    assert json.loads(report.model_dump_json())["styles"][0]["style"] == "speech"


def test_labelling_sheet_names_what_a_topic_wide_red_flag_caps() -> None:
    """"Every topic criterion" was read two ways by the authors of the eighth and ninth blind
    sets (with or without structure, trade-offs and the story), so the same harm got two
    labels. The sheet names the criteria the topic owns and says which it does not cap, as the
    graders read it (TOPIC_CRITERIA: every criterion the topic owns)."""
    from interviewer.library import SHARED_IDS, TOPIC_CRITERIA

    library = default_library()
    q = next(q for q in library.questions.values() if q.kind == "behavioural"
             and any(f.criterion == TOPIC_CRITERIA for f in library.rubric_for(q).red_flags))
    rubric = library.rubrics[q.topic]
    text = _sheet_module().sheet(library, [q.id])
    owned = [c.name for c in rubric.criteria if c.id not in SHARED_IDS]
    story = [c.name for extra in rubric.kind_criteria.values() for c in extra]
    assert story
    shared = [c.name for c in rubric.criteria if c.id in SHARED_IDS]
    named = f"every criterion the topic owns ({', '.join(owned)}; not {', '.join(shared + story)})"
    assert named in text
    assert "every topic criterion" not in text
