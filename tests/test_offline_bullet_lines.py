"""More of how candidates write in notes: a plan item whose verb opens a label ("Use SSO:
...") or that says what not to do ("Don't ..."), a "Users: a, b, c" line among written-out
notes, and a thin answer of a few notes with one short list among them. And one reading of
the past: "we need" is the present, not a story told."""

from __future__ import annotations

import pytest

from interviewer.library import default_library
from interviewer.models.base import GradeRequest
from interviewer.offline.analysis import TERSE, question_stems, read_answer
from interviewer.offline.engagement import ENGAGED, engagement, imperative
from interviewer.offline.grader import THIN_FLAG, grade_answer
from interviewer.offline.lexicon import NARRATED
from interviewer.offline.matching import compiled
from tests.library_requests import library_request

QID = "api-email-send-limits-top-senders"  # rate limiting: limit-design, fairness-and-feedback


def _request(answer: str) -> GradeRequest:
    return library_request(QID, answer)


def _reading(answer: str):
    library = default_library()
    q = library.question(QID)
    return read_answer(answer, compiled(library.rubric_for(q)),
                       question_stems(q.text, q.strong_answer))


@pytest.mark.parametrize(("text", "told"), [
    ("we need a limit per sender", 0),
    ("I need the numbers first", 0),
    ("we proceed in two steps", 0),
    ("we shipped the limit in May", 1),
    ("we agreed a limit with the top senders", 1),
    ("I capped each sender at 10k an hour", 1),
])
def test_we_need_is_the_present_and_we_shipped_the_past(text: str, told: int) -> None:
    assert len(NARRATED.findall(text)) == told


@pytest.mark.parametrize("line", [
    "Use per-sender quotas: the biggest senders get a higher cap, agreed with them.",
    "Don't cut anyone off without a warning email first.",
    "Step 2: don't drop mail over the limit, queue it for the next hour.",
    "Tell the top senders a month ahead.",
])
def test_a_plan_item_opening_on_its_verb_is_the_candidate_acting(line: str) -> None:
    assert imperative(line)
    assert engagement(line, 1.0) == ENGAGED


@pytest.mark.parametrize("line", [
    "Senders: this has been a problem for years.",
    "The limits were set in 2019.",
])
def test_a_label_or_description_is_not_an_imperative(line: str) -> None:
    assert not imperative(line)


NOTES = """- goal: no sender's mail stops overnight, and the shared IPs stay off blocklists
- limit each sender per hour, sized from last month's peak plus a margin
- Senders hit: newsletters, billing platforms, big retailers
- warn the top 20 senders a month ahead so they can spread their sends
- measure: bounces per sender, complaints, queued mail"""

TERMS = """- Senders: newsletters, billing platforms, retailers
- Limits: token bucket, sliding window, quotas
- Signals: bounces, complaints, blocklists
- Tiers: free, pro, enterprise"""


def test_a_labelled_list_among_written_notes_is_a_point_made_tersely() -> None:
    lines = {s.sentence.text.lstrip("- "): s.quality for s in _reading(NOTES).sentences}
    assert lines["Senders hit: newsletters, billing platforms, big retailers"] == TERSE
    assert lines["measure: bounces per sender, complaints, queued mail"] == TERSE


def test_labelled_lists_in_a_keyword_list_stay_lists_of_terms() -> None:
    assert all(s.quality < TERSE for s in _reading(TERMS).sentences)


def test_a_few_notes_with_one_short_list_still_say_the_move() -> None:
    """A thin answer of notes, one of them a bare list, names the move: a 2 where it is
    about, as a thin answer written in full sentences gets."""
    answer = ("Cap each sender per hour, sized from last month's peak plus a margin. "
              "Retailers/billing "
              "first, newsletters last. Warn them a month ahead.")
    g = grade_answer(_request(answer))
    assert THIN_FLAG in g.flags
    assert max(c.score for c in g.criteria) == 2
    assert 1 < g.overall < 3
