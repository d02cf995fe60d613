"""The offline grader's fitted scoring layer (prompts/offline/fit.yaml): monotone in every
signal, applied before the caps (which still win), validated by `interviewer check`, and
reproduced exactly by its one refit command."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from interviewer.cli import app
from interviewer.library import default_library
from interviewer.models.base import Exchange, GradeRequest
from interviewer.offline import fitted, refit
from interviewer.offline.grader import grade_answer
from interviewer.paths import calibration_dir
from tests.broken_prompts import check_with_edit

KINDS = refit.KINDS
signal = st.floats(min_value=0, max_value=60, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(kind=st.sampled_from(KINDS), base=st.tuples(signal, signal, signal),
       more=st.tuples(signal, signal, signal), bar=st.sampled_from([0.8, 1.0, 1.25]))
def test_more_evidence_never_lowers_a_level(kind: str, base: tuple[float, float, float],
                                            more: tuple[float, float, float],
                                            bar: float) -> None:
    """Any signal rising (concept credit, recipe credit, depth) never lowers the level."""
    richer = fitted.Signals(*(b + m for b, m in zip(base, more, strict=True)))
    low = fitted.level_of(kind, fitted.Signals(*base), bar)
    assert 1 <= low <= fitted.level_of(kind, richer, bar) <= 4


@settings(max_examples=200, deadline=None)
@given(kind=st.sampled_from(KINDS), signals=st.tuples(signal, signal, signal))
def test_a_higher_bar_never_raises_a_level(kind: str,
                                           signals: tuple[float, float, float]) -> None:
    pm, senior, staff = (fitted.level_of(kind, fitted.Signals(*signals), bar)
                         for bar in (0.8, 1.0, 1.25))
    assert pm >= senior >= staff


@pytest.mark.parametrize("kind", KINDS)
def test_the_shipped_fit_spans_every_level(kind: str) -> None:
    """Nothing earns a 1 and a deep, well-covered answer reaches 4: the cut-points are where
    levels begin, not out of reach."""
    assert fitted.level_of(kind, fitted.Signals(0, 0, 0)) == 1
    assert fitted.level_of(kind, fitted.Signals(8, 3, 25)) == 4


def test_the_fit_is_what_the_grader_uses(monkeypatch: pytest.MonkeyPatch) -> None:
    """Raising every cut-point out of reach holds every criterion at 1 (the levels come from
    the fit, not from numbers left in code); with the shipped fit the same answer scores
    higher."""
    request = _request(STRONG)
    shipped = grade_answer(request)
    fit = fitted.load_fit()
    unreachable = fitted.KindFit(weights=fit.topic.weights, cuts=(1e6, 2e6, 3e6))
    with fitted.fit_in_use(fit.model_copy(update={k: unreachable for k in
                                                  ("topic", "structure", "trade_offs")})):
        held = grade_answer(request)
    assert {c.score for c in held.criteria} == {1}
    assert shipped.overall > 2.5
    assert grade_answer(request) == shipped  # the block's end put the shipped fit back


def test_a_fold_fit_ends_with_its_block_even_on_error() -> None:
    """The fit a fold puts in place is gone when the block is left by an exception."""
    other = fitted.load_fit().model_copy(update={"fitted_on": ["a-fold.jsonl"]})
    with pytest.raises(RuntimeError), fitted.fit_in_use(other):
        assert fitted.active_fit() is other
        raise RuntimeError("a fold failed")
    assert fitted.active_fit() is fitted.load_fit()


STRONG = (
    "The goal is to protect every merchant from one noisy caller without surprising our "
    "biggest customers.\n"
    "First, I'd cap each API key with a token bucket at 100 requests a second and a burst of "
    "200, because a single retry loop should not starve the shared pool.\n"
    "Second, callers over the limit get a 429 with a Retry-After header, so their clients "
    "back off instead of hammering us.\n"
    "Third, the ten largest customers get a month's notice and a dashboard of their usage "
    "against the limit, because a surprise cut-off would break their checkout.\n"
    "I'd choose per-key limits over per-IP ones: they cost us a lookup per call, but they "
    "follow the customer across their servers, and we can roll back by raising the limit.\n"
    "We measure success by the share of 429s that hit abusive keys rather than real traffic, "
    "aiming for over 90% within a quarter.")


def _request(answer: str) -> GradeRequest:
    library = default_library()
    question = next(q for q in library.questions.values()
                    if q.topic == "rate-limiting" and q.kind != "behavioural")
    return GradeRequest.for_question(question, library.rubric_for(question),
                                     [Exchange(prompt=question.text, answer=answer)],
                                     level="senior")


def test_caps_still_win_over_the_fitted_score() -> None:
    """The strong answer cut to its first line is thin: capped at 2 whatever the fit says,
    and padded with an essay on another subject it is held at 1."""
    thin = grade_answer(_request(STRONG.split("\n")[1]))
    assert "thin" in thin.flags and max(c.score for c in thin.criteria) <= 2
    essay = ("The history of the printing press begins in Mainz around 1440. Gutenberg "
             "borrowed money from Johann Fust to build his press. Movable type spread to "
             "Venice, where Aldus Manutius printed small editions of the classics. Printers "
             "trained apprentices who carried the craft across Europe within fifty years. ")
    off = grade_answer(_request(essay * 3 + STRONG.split("\n")[1]))
    assert off.overall <= 1.5


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("  cuts:\n  - ", "  cuts:\n  - 99", "fit.yaml: topic.cuts: Value error, cut-points must"),
    ("    concept: ", "    concept: -", "fit.yaml: topic.weights.concept: Input should be"),
    ("trade-offs:\n", "tradeoffs:\n", "fit.yaml: trade-offs: Field required"),
])
def test_check_refuses_a_broken_fit_naming_file_and_key(tmp_path: Path, old: str, new: str,
                                                        expected: str) -> None:
    said = check_with_edit(tmp_path, "offline/fit.yaml", fitted.default_path(), old, new)
    assert expected in said


def test_the_shipped_fit_validates_and_names_its_sets() -> None:
    fit = fitted.load_fit()
    assert fit.fitted_on == list(refit.SETS)
    assert all(fit.rows[k] > 300 for k in KINDS)
    assert refit.COMMAND in fitted.default_path().read_text(encoding="utf-8")


def test_refit_recovers_a_known_ordering() -> None:
    """On rows whose label rises with depth alone, the fit puts its weight on depth and
    places the cut-points so that each depth band gets its own level."""
    rows = [refit.Row("topic", 1.0, 0.5, depth, label)
            for label, depths in ((1, (0.5, 1, 1.5)), (2, (4, 5, 6)), (3, (10, 12, 14)),
                                  (4, (22, 25, 28))) for depth in depths for _ in range(5)]
    kind_fit = refit.fit_kind(rows)
    assert kind_fit.weights.depth_root > 0
    fit = fitted.FittedLevels.model_validate({
        "topic": kind_fit, "structure": kind_fit, "trade-offs": kind_fit, "fitted_on": ["x"]})
    for r in rows:
        signals = fitted.Signals(r.concept, r.recipe, r.depth)
        assert fitted.level_of("topic", signals, fit=fit) == r.label


def test_one_command_refits_the_stored_numbers(tmp_path: Path) -> None:
    """`python -m interviewer.offline.refit` on the five stored sets writes the shipped file:
    the numbers in prompts/offline/fit.yaml are what the sets give, not hand edits."""
    out = tmp_path / "fit.yaml"
    refit.main(["--out", str(out)])
    fresh = yaml.safe_load(out.read_text(encoding="utf-8"))
    shipped = yaml.safe_load(fitted.default_path().read_text(encoding="utf-8"))
    assert fresh["fitted_on"] == shipped["fitted_on"] and fresh["rows"] == shipped["rows"]
    for kind in KINDS:
        assert fresh[kind]["cuts"] == pytest.approx(shipped[kind]["cuts"], abs=2e-3)
        for name, value in shipped[kind]["weights"].items():
            assert fresh[kind]["weights"][name] == pytest.approx(value, abs=2e-4)
    assert all((calibration_dir() / name).exists() for name in refit.SETS)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=600))
def test_any_text_grades_without_raising(text: str) -> None:
    grade = grade_answer(_request(text))
    assert 1.0 <= grade.overall <= 4.0
    assert all(1 <= c.score <= 4 for c in grade.criteria)


def test_calibrate_fit_points_the_offline_grader_at_its_refit_command() -> None:
    result = CliRunner().invoke(app, ["calibrate", "--model", "offline", "--fit"])
    assert result.exit_code != 0
    assert refit.COMMAND in " ".join(result.output.split())


def test_refitting_on_a_set_that_is_not_there_names_it(capsys: pytest.CaptureFixture[str],
                                                       tmp_path: Path) -> None:
    """`--sets` reruns the fit on other labelled sets (the five-set comparison in
    calibration/README.md); a misspelt name is a clear error, not a fit on fewer sets."""
    out = tmp_path / "fit.yaml"
    with pytest.raises(SystemExit):
        refit.main(["--sets", "blind-tuning.jsonl", "blind-holdot-4.jsonl", "--out", str(out)])
    assert "no labelled set named blind-holdot-4.jsonl" in capsys.readouterr().err
    assert not out.exists()
    refit.main(["--sets", "blind-holdout-4.jsonl", "--out", str(out)])
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["fitted_on"] == ["blind-holdout-4.jsonl"]
