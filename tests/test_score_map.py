"""The per-model calibration map: monotone, fitted by isotonic regression, stored per model."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from interviewer.llm.score_map import ScoreMap, fit, isotonic, load_maps, save_map


def test_a_strict_model_is_lifted_to_the_labelled_scale():
    # the model gives one level less than the experts, everywhere
    pairs = {"c": [(1, 2)] * 5 + [(2, 3)] * 5 + [(3, 4)] * 5}
    m = fit(pairs, "strict-model", "tuning.jsonl", min_per_criterion=100)
    assert m.levels == {1: 2.0, 2: 3.0, 3: 4.0, 4: 4.0}
    assert [m.apply("c", raw) for raw in (1, 2, 3, 4)] == [2, 3, 4, 4]


def test_violations_are_pooled_so_the_map_never_reverses_the_order():
    # raw 2 answers were labelled higher on average than raw 3 answers: pool them
    assert isotonic([(2, 3), (2, 3), (3, 2), (3, 2)]) == {1: 1.0, 2: 2.5, 3: 2.5, 4: 4.0}


def test_filled_levels_keep_the_order_of_rounded_neighbours():
    # 3.99996 rounds to 4.0; the levels above it must not fall back to 3.99996
    table = isotonic([(1, 3.99996)])
    assert [table[lv] for lv in (1, 2, 3, 4)] == [4.0, 4.0, 4.0, 4.0]


def test_a_level_without_data_sits_between_its_neighbours():
    assert isotonic([(1, 1), (3, 3)]) == {1: 1.0, 2: 2.0, 3: 3.0, 4: 4.0}
    assert isotonic([(1, 2)])[4] == 4.0 and isotonic([(4, 2)])[1] == 1.0


def test_rounding_is_half_up_and_stays_in_range():
    m = ScoreMap(model="m", fitted_on="s", pairs=1, levels={1: 1.0, 2: 2.5, 3: 3.49, 4: 4.6})
    assert [m.apply("x", raw) for raw in (1, 2, 3, 4)] == [1, 3, 3, 4]


def test_a_criterion_with_enough_pairs_gets_its_own_map():
    pairs = {"strict": [(2, 3)] * 30, "fair": [(2, 2)] * 3}
    m = fit(pairs, "m", "s", min_per_criterion=25)
    assert m.apply("strict", 2) == 3 and set(m.criteria) == {"strict"}
    assert m.value("fair", 2) == m.levels[2]


def test_maps_are_stored_per_model_and_survive_a_reload(tmp_path):
    path = tmp_path / "maps.json"
    save_map(path, fit({"c": [(1, 2)]}, "a", "s"))
    save_map(path, fit({"c": [(3, 3)]}, "b", "s"))
    maps = load_maps(path)
    assert set(maps) == {"a", "b"} and maps["a"].apply("c", 1) == 2


@given(st.lists(st.tuples(st.integers(1, 4), st.floats(1, 4, allow_nan=False)), min_size=1,
                max_size=200))
def test_the_fit_is_always_monotone_and_within_the_labels(points):
    table = isotonic(points)
    values = [table[lv] for lv in (1, 2, 3, 4)]
    assert values == sorted(values)
    assert all(1 <= v <= 4 for v in values)


def _grade(**scores_and_evidence):
    from interviewer.scoring import AnswerGrade, CriterionGrade, RedFlagHit

    criteria = [CriterionGrade(id=cid, name=cid, score=s, weight=1.0,
                               evidence=["we cap each tenant"] if quoted else [])
                for cid, (s, quoted) in scores_and_evidence.items()]
    return AnswerGrade(question_id="q", criteria=criteria, grader="openai:m",
                       red_flags=[RedFlagHit(id="f", name="F", criterion="flagged", cap=2)])


def test_calibration_keeps_the_trust_rules():
    from interviewer.llm.score_map import calibrated

    m = ScoreMap(model="m", fitted_on="/x/tuning.jsonl", pairs=40,
                 levels={1: 2.0, 2: 3.0, 3: 4.0, 4: 4.0})
    out = calibrated(_grade(quoted=(2, True), unquoted=(2, False), flagged=(3, True)), m)
    assert {c.id: c.score for c in out.criteria} == {"quoted": 3, "unquoted": 2, "flagged": 2}
    assert "fitted on 40 labelled criterion scores from tuning.jsonl" in out.notes[-1]
