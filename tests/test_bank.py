"""The bank's declared shape and the rubric-vs-medium rule, on the shipped bank and on a
mini library broken on purpose."""

from __future__ import annotations

import re
from collections import Counter
from itertools import product
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from interviewer.cli import app
from interviewer.library import LibraryError, default_library, load_library
from interviewer.taxonomy import AREAS, FLAVOURS, FORMATS, LEVELS, TOPICS
from tests.conftest import write_mini_library

runner = CliRunner()
SHIPPED = default_library()


def _bank_yaml() -> dict:
    from interviewer import paths
    return yaml.safe_load((paths.data_root() / "prompts" / "bank.yaml").read_text())


# ---------------------------------------------------------------- the shipped bank


def test_shipped_bank_has_the_size_and_story_share_it_declares() -> None:
    questions = list(SHIPPED.questions.values())
    assert 130 <= len(questions) <= 405
    stories = [q for q in questions if q.kind == "behavioural"]
    assert 27 <= len(stories) <= 83
    # a story prompt asks for something that happened, not for an opinion or a plan
    assert all(re.match(r"(Tell me about|Reliable platforms)", q.text) for q in stories), \
        [q.id for q in stories if not q.text.startswith("Tell me about")]
    assert all(q.story is not None for q in stories)


def test_every_area_topic_level_cell_has_a_question() -> None:
    cells = {(q.area, q.topic, q.level) for q in SHIPPED.questions.values()}
    assert set(product(AREAS, TOPICS, LEVELS)) <= cells


def test_every_question_has_facts_a_hire_split_and_weak_answers() -> None:
    for q in SHIPPED.questions.values():
        assert q.facts and q.strong_answer and q.strong_hire and q.weak_answers, q.id
        assert not set(q.strong_answer) & set(q.strong_hire), q.id


def test_formats_flavours_and_themes_are_covered() -> None:
    questions = list(SHIPPED.questions.values())
    formats = Counter(q.format for q in questions)
    flavours = Counter(q.flavour for q in questions)
    assert all(formats[f] >= 2 for f in FORMATS), formats
    assert all(flavours[f] >= 5 for f in FLAVOURS), flavours
    tags = Counter(t for q in questions for t in q.tags)
    assert 6 <= tags["career"] <= 8
    for tag in ("consistency", "unprompted", "reliability-boring", "adopted", "ab-testing",
                "evangelism"):
        assert tags[tag] >= 2, tag
    # consistency vs availability reaches beyond identity
    assert {q.area for q in questions if "consistency" in q.tags} - {"identity-auth"}


def test_staged_cases_carry_the_constraint_that_changes() -> None:
    staged = [q for q in SHIPPED.questions.values() if q.format == "staged"]
    assert staged and all(q.twist and "halfway" in q.twist for q in staged)


def test_issue_11_accuracy_fixes_are_in_the_outlines() -> None:
    def outline(qid: str) -> str:
        q = SHIPPED.question(qid)
        return " ".join(q.strong_answer + q.strong_hire + q.weak_answers)

    oidc = outline("iam-session-to-oidc-migration")
    assert "access token" in oidc and "JWKS" in oidc and "audience" in oidc
    assert "rotation" in oidc or "rotate" in oidc.lower()
    pay = outline("api-payments-create-idempotency")
    assert "fingerprint" in pay and "at once" in pay and "server" in pay
    assert "never double-sends" not in outline("api-bulk-messaging-architecture")
    assert "minimise duplicates" in outline("api-bulk-messaging-architecture")
    assert "lock" in outline("iam-login-endpoint-rate-limits").lower()
    assert "confidence interval" in outline("ml-llm-evaluation-infrastructure")


# ---------------------------------------------------------------- the checks themselves


def _check(root: Path) -> str:
    result = runner.invoke(app, ["check", "--root", str(root)])
    assert result.exit_code == 1, result.output
    return result.output


def test_a_question_without_facts_is_refused(tmp_path: Path) -> None:
    root = write_mini_library(tmp_path / "lib")
    path = root / "prompts" / "questions" / "api-products.yaml"
    text = path.read_text()
    path.write_text(re.sub(r"\n +facts:\n +- \{ask: \[budget, cost\].*?\}", "", text, count=1))
    assert "api-products.yaml: q0-0.facts: give the scenario facts" in _check(root)


def test_a_story_without_its_bar_and_a_level_left_implicit_are_refused(tmp_path: Path) -> None:
    root = write_mini_library(tmp_path / "lib")
    path = root / "prompts" / "questions" / "api-products.yaml"
    text = path.read_text().replace("kind: design", "kind: behavioural", 1)
    path.write_text(re.sub(r"\n *level: senior", "", text, count=1))
    out = _check(root)
    assert "q0-0.story: a behavioural question, and only one, says what a strong story" in out
    assert "q0-0.level: say it explicitly" in out


def test_bank_yaml_shape_is_enforced(tmp_path: Path) -> None:
    root = write_mini_library(tmp_path / "lib")
    (root / "prompts" / "bank.yaml").write_text(yaml.safe_dump({
        "questions": {"min": 30, "max": 40}, "stories": {"min": 1},
        "tags": {"career": {"means": "careers", "min": 1}},
        "formats": {"min_each": 1}, "flavours": {"min_each": 0}}))
    out = _check(root)
    assert "bank.yaml: questions: the bank has 20, fewer than 30" in out
    assert "bank.yaml: stories: the bank has 0, fewer than 1 story prompts" in out
    assert "bank.yaml: every_cell: no pm question on api-design in api-products" in out
    assert "bank.yaml: tags.career: 0, fewer than 1 questions carry it (careers)" in out
    assert "bank.yaml: formats: 0 'pricing' question(s), fewer than 1" in out


def test_a_tag_bank_yaml_does_not_know_is_refused(tmp_path: Path) -> None:
    root = write_mini_library(tmp_path / "lib")
    (root / "prompts" / "bank.yaml").write_text(
        "questions: {min: 1}\nstories: {min: 0}\nevery_cell: false\n")
    path = root / "prompts" / "questions" / "api-products.yaml"
    path.write_text(path.read_text().replace("kind: design", "kind: design\n    tags: [vibes]", 1))
    assert "bank.yaml: q0-0.tags: unknown tag 'vibes'" in _check(root)


MEDIA = """\
media: {http: HTTP APIs, batch: Warehouses and queues}
mechanisms:
  - {name: HTTP 429 and Retry-After, words: ["429", Retry-After], fits: [http]}
conditional: ["such as", "for an HTTP API"]
"""


def _with_media(root: Path, bar: str) -> Path:
    (root / "prompts" / "media.yaml").write_text(MEDIA)
    path = root / "rubrics" / "rate-limiting.yaml"
    path.write_text(path.read_text().replace("3: solid", f"3: '{bar}'", 1))
    questions = root / "prompts" / "questions" / "internal-dev-platforms.yaml"
    questions.write_text(questions.read_text().replace("medium: http", "medium: batch"))
    return root


def test_a_rubric_bar_that_does_not_fit_the_medium_is_refused(tmp_path: Path) -> None:
    root = _with_media(write_mini_library(tmp_path / "lib"), "returns 429 with Retry-After")
    out = _check(root)
    assert ("rate-limiting.yaml: rate-limiting-depth.levels[3] names 'HTTP 429 and "
            "Retry-After', which does not fit medium 'batch' (1 question(s), e.g. q1-2)") in out
    assert "medium 'http'" not in out  # the same bar is fine on an HTTP question


def test_a_mechanism_offered_as_one_example_is_not_a_bar(tmp_path: Path) -> None:
    bar = ("the caller learns when to retry (for an HTTP API, 429 with Retry-After; for a "
           "queue, its position); limits are per team")
    root = _with_media(write_mini_library(tmp_path / "lib"), bar)
    assert "Library OK" in runner.invoke(app, ["check", "--root", str(root)]).output


def test_the_shipped_rubrics_are_checked_against_each_medium(tmp_path: Path) -> None:
    import shutil

    from interviewer import paths

    root = tmp_path / "lib"
    for part in ("prompts", "rubrics"):
        shutil.copytree(paths.data_root() / part, root / part)
    assert (root / "prompts" / "media.yaml").exists()
    path = root / "rubrics" / "rate-limiting.yaml"
    text = path.read_text()
    assert "in the medium's own terms" in text
    path.write_text(text.replace("in the medium's own terms", "always with a 429 reply", 1))
    out = _check(root)
    assert "which does not fit medium 'batch'" in out and "data-warehouse-workload" in out


def test_a_bar_scoped_with_applies_to_is_not_applied_elsewhere(tmp_path: Path) -> None:
    root = _with_media(write_mini_library(tmp_path / "lib"), "returns 429 with Retry-After")
    path = root / "rubrics" / "rate-limiting.yaml"
    text = path.read_text().replace("tip: Practise rate limiting depth.",
                                    "tip: Practise rate limiting depth.\n        "
                                    "applies_to: [http]", 1)
    path.write_text(text)
    library_problems = _check(root)  # the batch question still follows up on depth
    assert "q1-2.follow_ups[0].criterion: 'rate-limiting-depth' does not apply" in \
        library_problems
    assert "names 'HTTP 429" not in library_problems


def test_rubric_for_keeps_only_the_criteria_that_fit(tmp_path: Path) -> None:
    root = write_mini_library(tmp_path / "lib")
    path = root / "rubrics" / "rate-limiting.yaml"
    path.write_text(path.read_text().replace(
        "tip: Practise rate limiting breadth.",
        "tip: Practise rate limiting breadth.\n        applies_to: [batch]", 1))
    with pytest.raises(LibraryError) as caught:  # the follow-up aims at the scoped criterion
        load_library(root)
    assert "rate-limiting-breadth' does not apply to medium 'http'" in str(caught.value)
    questions = root / "prompts" / "questions"
    for f in questions.glob("*.yaml"):  # aim every follow-up at the unscoped criterion
        f.write_text(f.read_text().replace("criterion: rate-limiting-breadth",
                                           "criterion: rate-limiting-depth"))
    library = load_library(root)
    q = next(q for q in library.questions.values() if q.topic == "rate-limiting")
    assert library.rubric_for(q).criterion_ids == ["rate-limiting-depth"]


def _with_concept(root: Path, concept: str, criterion_extra: str = "") -> Path:
    """The mini library with media.yaml and one concept on rate-limiting-depth."""
    (root / "prompts" / "media.yaml").write_text(MEDIA)
    path = root / "rubrics" / "rate-limiting.yaml"
    text = path.read_text().replace(
        "tip: Practise rate limiting depth.",
        f"tip: Practise rate limiting depth.{criterion_extra}", 1)
    path.write_text(text.replace("concepts: []", f"concepts:\n          - {concept}", 1))
    return root


def test_a_concept_naming_a_mechanism_on_every_medium_is_refused(tmp_path: Path) -> None:
    root = _with_concept(write_mini_library(tmp_path / "lib"),
                         '{name: telling callers to slow down, phrases: [throttled, "send a 429"]}')
    out = _check(root)
    assert ("rate-limiting.yaml: rate-limiting-depth.concepts (telling callers to slow down): "
            "'send a 429' names 'HTTP 429 and Retry-After', which does not fit medium batch")\
        in out
    assert "does not fit medium http" not in out


@pytest.mark.parametrize("concept, criterion_extra", [
    ('{name: 429 replies, applies_to: [http], phrases: ["send a 429"]}', ""),
    ('{name: 429 replies, phrases: ["send a 429"]}', "\n        applies_to: [http]"),
    ('{name: queue position, applies_to: [batch], phrases: ["position in the queue"]}', ""),
], ids=["concept scoped", "criterion scoped", "no mechanism"])
def test_a_concept_scoped_to_the_media_its_mechanism_fits_passes(
        tmp_path: Path, concept: str, criterion_extra: str) -> None:
    root = _with_concept(write_mini_library(tmp_path / "lib"), concept, criterion_extra)
    if criterion_extra:  # no follow-up may aim at a criterion scoped away from its question
        for f in (root / "prompts" / "questions").glob("*.yaml"):
            f.write_text(f.read_text().replace("criterion: rate-limiting-depth",
                                               "criterion: rate-limiting-breadth"))
    result = runner.invoke(app, ["check", "--root", str(root)])
    assert "Library OK" in result.output, result.output


def test_a_concept_scoped_away_from_a_medium_leaves_its_rubric(tmp_path: Path) -> None:
    root = _with_concept(write_mini_library(tmp_path / "lib"),
                         '{name: 429 replies, applies_to: [http], phrases: ["send a 429"]}')
    library = load_library(root)
    http = next(q for q in library.questions.values() if q.topic == "rate-limiting")
    batch = http.model_copy(update={"medium": "batch"})
    names = {m: [k.name for c in library.rubric_for(q).criteria for k in c.concepts]
             for m, q in (("http", http), ("batch", batch))}
    assert names == {"http": ["429 replies"], "batch": []}


def test_every_shipped_concept_fits_the_media_it_is_applied_to() -> None:
    """No question's rubric, as graded, keeps a concept whose phrases name a mechanism its
    medium cannot have (the check above, seen from the grader's side)."""
    from interviewer import paths
    from interviewer.bank import MediaFile

    media = MediaFile.model_validate(yaml.safe_load(
        (paths.data_root() / "prompts" / "media.yaml").read_text()))
    for q in SHIPPED.questions.values():
        for c in SHIPPED.rubric_for(q).criteria:
            for k in c.concepts:
                text = " ".join([k.name, *k.phrases]).lower()
                wrong = [m.name for m in media.mechanisms if q.medium not in m.fits
                         and any(re.search(rf"(?<![\w-]){re.escape(w.lower())}(?![\w-])", text)
                                 for w in m.words)]
                assert not wrong, (q.id, c.id, k.name, wrong)
