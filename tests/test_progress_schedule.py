"""The spaced-repetition scheduler and the attempt comparison, as tables of cases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interviewer.library import Library
from interviewer.progress import schedule
from interviewer.progress.attempts import Attempt, CriterionScore
from interviewer.progress.compare import compare, moved, quote_key
from interviewer.progress.schedule import Item, choose_question, interval_days, priority
from interviewer.progress.trends import Point, Series, criterion_series, topic_series

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def crit(key: str, mastery: float | None, days: float | None, count: int = 1) -> Item:
    return Item("criterion", key, key.title(), mastery, None if days is None else ago(days),
                count)


@pytest.mark.parametrize(("mastery", "days"), [
    (1.0, 1.0), (2.0, 2.0), (3.0, 4.0), (4.0, 8.0),
    (2.5, 2 ** 1.5), (0.5, 1.0), (4.7, 8.0),  # fractional, and clamped to the 1-4 scale
])
def test_the_interval_doubles_with_each_mastery_level(mastery: float, days: float) -> None:
    assert interval_days(mastery) == pytest.approx(days)


@pytest.mark.parametrize(("mastery", "days_ago", "expected"), [
    (1.0, 1.0, 1.0),    # weak, a day ago: due now
    (1.0, 3.0, 3.0),    # weak and left three days: three times overdue
    (4.0, 3.0, 0.375),  # strong, three days ago: not due for five more
    (4.0, 16.0, 2.0),   # strong but left sixteen days: overdue too
    (2.0, 0.0, 0.0),    # practised just now
    (None, None, 1.0),  # never practised: due now
])
def test_priority_is_time_since_practised_over_the_interval(
        mastery: float | None, days_ago: float | None, expected: float) -> None:
    assert priority(crit("x", mastery, days_ago), NOW) == pytest.approx(expected)


@pytest.mark.parametrize(("items", "first"), [
    # the weaker of two practised on the same day comes first
    ([crit("strong", 3.5, 2), crit("weak", 1.5, 2)], "weak"),
    # a strong criterion left long enough overtakes a weak one just practised
    ([crit("strong", 4.0, 20), crit("weak", 1.0, 0.5)], "strong"),
    # an overdue weakness goes before a topic never practised (priority 1)
    ([Item("topic", "new", "New", None, None), crit("weak", 1.0, 2)], "weak"),
    # nothing overdue: the new topic comes first
    ([Item("topic", "new", "New", None, None), crit("weak", 1.0, 0.5)], "new"),
    # equal urgency and mastery: the one left alone longer first
    ([crit("recent", 2.0, 2), crit("older", 2.0, 2.0001)], "older"),
])
def test_ranked_puts_the_most_urgent_first(items: list[Item], first: str) -> None:
    assert schedule.ranked(items, NOW)[0].key == first


def test_weakest_criteria_are_the_lowest_mastery_and_ignore_topics() -> None:
    items = [crit("a", 3.0, 1), crit("b", 1.5, 9), Item("topic", "t", "T", 1.0, ago(1)),
             crit("c", 2.0, 1), crit("d", 1.5, 1, count=4)]
    assert [i.key for i in schedule.weakest_criteria(items)] == ["d", "b", "c"]


def series(key: str, *scores: float) -> Series:
    return Series(key, key, tuple(Point(ago(len(scores) - i), s, f"i{i}")
                                  for i, s in enumerate(scores)))


@pytest.mark.parametrize(("scores", "mastery"), [
    ((1, 2, 3, 4), 3.0),   # the last three only: an old 1 no longer drags it down
    ((2,), 2.0),
    ((4, 1), 2.5),
])
def test_mastery_is_the_mean_of_the_latest_scores(scores: tuple[float, ...], mastery: float
                                                  ) -> None:
    item = schedule.item_from("criterion", series("c", *scores))
    assert item.mastery == mastery and item.count == len(scores)
    assert item.last == ago(1)


def attempt(qid: str, topic: str, days: float, scores: dict[str, int],
            evidence: dict[str, tuple[str, ...]] | None = None, iid: str | None = None
            ) -> Attempt:
    criteria = tuple(CriterionScore(c, c.replace("-", " "), s, 0.5,
                                    (evidence or {}).get(c, ()))
                     for c, s in scores.items())
    overall = sum(scores.values()) / len(scores)
    return Attempt(iid or f"{qid}-{days}", qid, f"Question {qid}", "api-products", topic,
                   ago(days), overall, criteria)


def test_trends_give_one_point_per_interview_averaging_within_it() -> None:
    one = attempt("q0-0", "api-design", 3, {"api-design-depth": 1}, iid="i1")
    two = attempt("q1-0", "api-design", 3, {"api-design-depth": 3}, iid="i1")
    later = attempt("q0-0", "api-design", 1, {"api-design-depth": 4}, iid="i2")
    [depth] = criterion_series([later, one, two])
    assert [(p.interview_id, p.score) for p in depth.points] == [("i1", 2.0), ("i2", 4.0)]
    assert depth.change == 2.0
    [topic] = topic_series([one, two, later])
    assert topic.name == "API design" and [p.score for p in topic.points] == [2.0, 4.0]


DEPTH, BREADTH = "api-design-depth", "api-design-breadth"


@pytest.mark.parametrize(("attempts", "item", "expected"), [
    # under the bar on the criterion: retry that question, the lowest first
    ([attempt("q0-0", "api-design", 2, {DEPTH: 2}), attempt("q1-0", "api-design", 1, {DEPTH: 1})],
     crit(DEPTH, 1.5, 1), ("q1-0", True)),
    # at the bar everywhere: a question not attempted yet, in library order (area files load
    # alphabetically: data-platforms, q2, follows api-products, q0)
    ([attempt("q0-0", "api-design", 2, {DEPTH: 3})], crit(DEPTH, 3.0, 2), ("q2-0", False)),
    # a topic item retries the lowest overall under the bar
    ([attempt("q2-0", "api-design", 2, {DEPTH: 1, BREADTH: 2})],
     Item("topic", "api-design", "API design", 1.5, ago(2)), ("q2-0", True)),
    # retried since to the bar: done with, so a question not attempted yet
    ([attempt("q0-0", "api-design", 5, {DEPTH: 1}), attempt("q0-0", "api-design", 1, {DEPTH: 3})],
     crit(DEPTH, 2.0, 1), ("q2-0", False)),
    # nothing attempted in the topic: its first question
    ([], Item("topic", "api-design", "API design", None, None), ("q0-0", False)),
])
def test_choose_question(mini_library: Library, attempts: list[Attempt], item: Item,
                         expected: tuple[str, bool]) -> None:
    question, retry = choose_question("api-design", item, attempts, mini_library)
    assert question is not None and (question.id, retry) == expected


def test_every_question_done_at_the_bar_retries_the_one_done_longest_ago(
        mini_library: Library) -> None:
    ids = [q.id for q in mini_library.filter(topic="api-design")]
    done = [attempt(qid, "api-design", 10 - i, {DEPTH: 4}) for i, qid in enumerate(ids)]
    question, retry = choose_question("api-design", crit(DEPTH, 4.0, 1), done, mini_library)
    assert question is not None and question.id == ids[0] and retry


def test_next_practice_names_the_weak_criterion_and_a_question_that_grades_it(
        mini_library: Library) -> None:
    attempts = [attempt("q0-1", "versioning", 3, {"versioning-depth": 1,
                                                   "versioning-breadth": 3})]
    items = schedule.items(topic_series(attempts), criterion_series(attempts))
    found = schedule.next_practice(items, attempts, mini_library, NOW)
    assert found is not None
    assert (found.item.key, found.topic, found.question_id, found.retry) == \
        ("versioning-depth", "versioning", "q0-1", True)
    assert found.priority == 3.0
    assert found.reason.startswith("versioning depth averages 1.0 of 4 over your last 1 "
                                   "interview and was last practised 3 days ago")


def test_comparison_shows_score_moves_and_the_quotes_that_moved() -> None:
    before = attempt("q0-0", "api-design", 5, {DEPTH: 2, BREADTH: 3},
                     {DEPTH: ("We add a version header.",), BREADTH: ("Teams call it.",)})
    after = attempt("q0-0", "api-design", 1, {DEPTH: 4, BREADTH: 2},
                    {DEPTH: ("We add a version header", "Old clients keep working."),
                     BREADTH: ()})
    result = compare(before, after)
    depth, breadth = result.changes
    assert (depth.before, depth.after, depth.delta, depth.direction) == (2, 4, 2, "up")
    assert depth.gained == ("Old clients keep working.",) and depth.lost == ()
    assert (breadth.direction, breadth.gained, breadth.lost) == ("down", (), ("Teams call it.",))
    assert result.overall_delta == 0.5


def test_a_criterion_only_one_attempt_was_graded_on_is_new_or_gone() -> None:
    before = attempt("q0-0", "api-design", 5, {"structure": 2})
    after = attempt("q0-0", "api-design", 1, {DEPTH: 3})
    assert [(c.id, c.direction, c.delta) for c in compare(before, after).changes] == \
        [(DEPTH, "new", 0), ("structure", "gone", 0)]
    with pytest.raises(ValueError, match="same question"):
        compare(before, attempt("q1-0", "api-design", 1, {DEPTH: 3}))


@pytest.mark.parametrize(("mine", "theirs", "expected"), [
    (["A b.", "C"], ["a  B"], ("C",)),   # spacing, case and a closing stop do not count
    (["X", "x.", " ", "."], [], ("X",)),   # each once, blanks never
    ([], ["Y"], ()),
])
def test_moved_quotes(mine: list[str], theirs: list[str], expected: tuple[str, ...]) -> None:
    assert moved(mine, theirs) == expected


def test_chart_geometry_puts_higher_scores_higher_and_dates_at_the_ends() -> None:
    from interviewer.progress.charts import HEIGHT, TOP, line_chart

    chart = line_chart(series("c", 1, 4, 2.5))
    assert [p.y for p in chart.points] == [HEIGHT - 24, TOP, (HEIGHT - 24 + TOP) / 2]
    assert [p.x for p in chart.points] == [30, 169, 308]
    assert chart.line == "30.0,126.0 169.0,12.0 308.0,69.0"
    assert [(a, d) for _, a, d in chart.dates] == [("start", "2026-11-27"), ("end", "2026-11-29")]
    one = line_chart(series("c", 3))
    assert [p.x for p in one.points] == [169] and [a for _, a, _ in one.dates] == ["middle"]


@given(mine=st.lists(st.text(max_size=30), max_size=6),
       theirs=st.lists(st.text(max_size=30), max_size=6))
def test_a_quote_moves_one_way_only(mine: list[str], theirs: list[str]) -> None:
    """Quotes come from candidates' answers: whatever they say, a quote is never both gained
    and lost, and each moved quote is one of the attempt's own."""
    gained, lost = moved(mine, theirs), moved(theirs, mine)
    assert set(gained) <= set(mine) and set(lost) <= set(theirs)
    assert not {quote_key(q) for q in gained} & {quote_key(q) for q in lost}
    assert len({quote_key(q) for q in gained}) == len(gained)  # each said once


@pytest.mark.parametrize(("item", "due"), [
    (crit("a", 1.0, 3), -2.0),   # a 1-day interval, left 3 days: overdue by 2
    (crit("b", 4.0, 3), 5.0),    # an 8-day interval, 3 days gone: due in 5
    (crit("c", None, None), 0.0),
])
def test_due_in_days(item: Item, due: float) -> None:
    assert schedule.due_in_days(item, NOW) == due
