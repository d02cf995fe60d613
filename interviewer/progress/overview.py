"""Everything the Progress page and `interviewer progress` show, for one owner."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from interviewer.library import Library
from interviewer.progress import schedule
from interviewer.progress.attempts import Attempt, all_attempts
from interviewer.progress.schedule import Item, Suggestion
from interviewer.progress.trends import Series, criterion_series, topic_series
from interviewer.storage import Record, Store

HISTORY = 200  # the newest interviews the page reads; older ones no longer steer practice
QUEUE = 5  # how much of the schedule the page shows


@dataclass(frozen=True)
class Overview:
    attempts: list[Attempt]
    criteria: list[Series]
    topics: list[Series]
    weakest: list[Item]
    suggestion: Suggestion | None
    interviews: int
    queue: list[tuple[Item, float]]  # the most urgent practised items, days until each is due
    new_topics: list[str]  # topics never practised, each due now

    @property
    def empty(self) -> bool:
        return not self.attempts


def build(records: Iterable[Record], library: Library, now: datetime) -> Overview:
    """Trends, weakest criteria and the next practice from the owner's stored interviews."""
    records = list(records)
    attempts = all_attempts(records, library)
    criteria, topics = criterion_series(attempts), topic_series(attempts)
    items = schedule.items(topics, criteria)
    suggestion = schedule.next_practice(items, attempts, library, now) if attempts else None
    practised = [i for i in items if i.mastery is not None]
    queue = [(i, schedule.due_in_days(i, now)) for i in schedule.ranked(practised, now)[:QUEUE]]
    return Overview(attempts, criteria, topics, schedule.weakest_criteria(items), suggestion,
                    len({a.interview_id for a in attempts}), queue,
                    [i.name for i in items if i.mastery is None])


def for_owner(store: Store, library: Library, owner: str, now: datetime | None = None
              ) -> Overview:
    """The owner's progress, and no one else's."""
    return build(store.list_recent(HISTORY, owner=owner), library, now or datetime.now(UTC))
