"""What to practise next, by spaced repetition over topics and criteria.

Each topic and criterion the candidate has been graded on is an item with a mastery (the mean
of its last few scores, 1 to 4) and the time it was last practised. An item is due again after
an interval that doubles with each mastery level: 1 day at 1, 2 at 2, 4 at 3, 8 at 4. Its
priority is the time since it was last practised divided by that interval, so a weak criterion
comes back soon and a strong one waits, and anything left alone long enough comes back. A topic
never practised is due now (priority 1): an overdue weakness goes first, and a new topic comes
next once nothing is overdue.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from interviewer.library import Library, Question
from interviewer.progress.attempts import Attempt
from interviewer.progress.trends import Series
from interviewer.taxonomy import TOPIC_NAMES, TOPICS

RECENT = 3  # mastery is the mean of this many latest scores
FIRST_INTERVAL = 1.0  # days until an item at mastery 1 is due again
GROWTH = 2.0  # each mastery level multiplies the interval by this
NEW_TOPIC_PRIORITY = 1.0
HIRE = 3  # a criterion below this on an attempt makes that attempt worth retrying
WEAKEST = 3
DAY = 86400.0


@dataclass(frozen=True)
class Item:
    kind: Literal["topic", "criterion"]
    key: str
    name: str
    mastery: float | None  # None: never practised
    last: datetime | None
    count: int = 0


def interval_days(mastery: float) -> float:
    """Days until an item of this mastery is due again: 1, 2, 4, 8 at levels 1 to 4."""
    return FIRST_INTERVAL * GROWTH ** (min(4.0, max(1.0, mastery)) - 1)


def days_since(then: datetime, now: datetime) -> float:
    return max(0.0, (now - then).total_seconds() / DAY)


def priority(item: Item, now: datetime) -> float:
    """How overdue the item is: 1 means due now, 2 means left twice its interval."""
    if item.mastery is None or item.last is None:
        return NEW_TOPIC_PRIORITY
    return round(days_since(item.last, now) / interval_days(item.mastery), 3)


def item_from(kind: Literal["topic", "criterion"], series: Series) -> Item:
    recent = [p.score for p in series.points[-RECENT:]]
    return Item(kind, series.key, series.name, round(sum(recent) / len(recent), 2),
                series.points[-1].at, len(series.points))


def items(topic_trends: Sequence[Series], criterion_trends: Sequence[Series],
          topics: Sequence[str] = TOPICS) -> list[Item]:
    """Every practised topic and criterion, and every topic not practised yet."""
    seen = {s.key for s in topic_trends}
    return ([item_from("topic", s) for s in topic_trends]
            + [Item("topic", t, TOPIC_NAMES.get(t, t), None, None) for t in topics
               if t not in seen]
            + [item_from("criterion", s) for s in criterion_trends])


def due_in_days(item: Item, now: datetime) -> float:
    """Days until the item is due: negative when overdue, 0 for one never practised."""
    if item.mastery is None or item.last is None:
        return 0.0
    return round(interval_days(item.mastery) - days_since(item.last, now), 1)


def ranked(candidates: Sequence[Item], now: datetime) -> list[Item]:
    """Most urgent first; at equal urgency the weaker, then the longer unpractised."""
    return sorted(candidates, key=lambda i: (-priority(i, now), _mastery(i),
                                             i.last or datetime.min.replace(tzinfo=now.tzinfo),
                                             i.key))


def _mastery(item: Item) -> float:
    return 0.0 if item.mastery is None else item.mastery


def weakest_criteria(candidates: Sequence[Item], n: int = WEAKEST) -> list[Item]:
    """The criteria with the lowest mastery, weakest first."""
    crit = [i for i in candidates if i.kind == "criterion"]
    return sorted(crit, key=lambda i: (_mastery(i), -i.count, i.key))[:n]


@dataclass(frozen=True)
class Suggestion:
    """The next practice: one question (a retry when the candidate scored under the bar on
    it), the topic to drill, and why."""

    item: Item
    topic: str
    question_id: str
    question: str
    retry: bool
    priority: float
    reason: str


def next_practice(candidates: Sequence[Item], attempts: Sequence[Attempt], library: Library,
                  now: datetime) -> Suggestion | None:
    """The most urgent item turned into one question to practise; None for an empty library."""
    for item in ranked(candidates, now):
        topic = item.key if item.kind == "topic" else _topic_for(item.key, candidates,
                                                                 library, now)
        if topic is None:
            continue
        question, retry = choose_question(topic, item, attempts, library)
        if question is None:
            continue
        return Suggestion(item, topic, question.id, question.text, retry, priority(item, now),
                          reason(item, now))
    return None


def _carries(library: Library, question: Question, criterion: str) -> bool:
    return any(c.id == criterion for c in library.rubric_for(question).criteria)


def _topic_for(criterion: str, candidates: Sequence[Item], library: Library, now: datetime
               ) -> str | None:
    """Of the topics whose questions grade this criterion, the most urgent one."""
    topics = {q.topic for q in library.questions.values() if _carries(library, q, criterion)}
    order = [i.key for i in ranked([i for i in candidates if i.kind == "topic"], now)]
    return next((t for t in order if t in topics), min(topics) if topics else None)


def choose_question(topic: str, item: Item, attempts: Sequence[Attempt], library: Library
                    ) -> tuple[Question | None, bool]:
    """The question to practise in a topic, and whether it is a retry.

    The question whose latest attempt is lowest under the bar on the item (the criterion, or
    the topic's overall) is retried; a question retried since to the bar is done with.
    Otherwise a question never attempted, one that probes the criterion with a follow-up
    first; otherwise the one attempted longest ago."""
    pool = [q for q in library.questions.values() if q.topic == topic]
    if item.kind == "criterion":
        pool = [q for q in pool if _carries(library, q, item.key)] or pool
    if not pool:
        return None, False
    latest: dict[str, Attempt] = {}
    for a in sorted(attempts, key=lambda a: a.at):  # stable: same-second attempts keep order
        if a.topic == topic:
            latest[a.question_id] = a
    in_pool = {q.id for q in pool}
    weak = sorted(((s, a) for a in latest.values() if a.question_id in in_pool
                   and (s := _score_on(a, item)) is not None and s < HIRE),
                  key=lambda pair: (pair[0], -pair[1].at.timestamp()))
    if weak:
        return library.question(weak[0][1].question_id), True
    last = {qid: a.at for qid, a in latest.items()}
    fresh = [q for q in pool if q.id not in last]
    if fresh:
        probes = [q for q in fresh if any(f.criterion == item.key for f in q.follow_ups)]
        return (probes or fresh)[0], False
    return min(pool, key=lambda q: last[q.id]), True


def _score_on(attempt: Attempt, item: Item) -> float | None:
    if item.kind == "topic":
        return attempt.overall
    found = attempt.criterion(item.key)
    return None if found is None else float(found.score)


def reason(item: Item, now: datetime) -> str:
    """Why this item comes next, in a sentence."""
    if item.mastery is None or item.last is None:
        return f"You have not practised {item.name} yet."
    ago = days_since(item.last, now)
    when = "today" if ago < 1 else f"{ago:.0f} day{'s' if round(ago) != 1 else ''} ago"
    return (f"{item.name} averages {item.mastery:.1f} of 4 over your last "
            f"{min(item.count, RECENT)} interview{'s' if min(item.count, RECENT) != 1 else ''}"
            f" and was last practised {when}; at that level it is due every "
            f"{interval_days(item.mastery):.1f} days.")
