"""Terse bullet answers carry their reasoning in notation: a story's lines drop the "I" and open
on the verb, an arrow or an equals sign says what follows from what, and labels such as
"rejected:" or "Decision:" mark the options weighed and the call made. The guide's rule is that
bullets that carry reasons are reasoning; these tests pin how the offline grader reads them."""

from __future__ import annotations

import pytest

from interviewer.offline.analysis import fragment_quality, sentence_quality
from interviewer.offline.engagement import engagement, recounts, voiced
from interviewer.offline.lexicon import CONTRAST, FRAGMENT_REASON, NARRATED_LINE, REASONING
from interviewer.offline.text import words

BULLET_STORY = """- 2023, PM for the billing platform, 40 product teams
- trigger: invoice job double-charged 300 accounts after a schema change
- my part: incident lead; wrote the review; owned the follow-ups
- pulled 30d of job logs -> 3 services wrote to the same table
- rejected: freezing all schema changes (blocks every team for a month)
- added a contract check in CI -> breaking change fails the build
- result: repeat incidents 4 in a quarter -> 0 in the next two"""

BULLET_PLAN = """- who: 40 product teams sharing one billing table
- add a contract check in CI so a breaking change fails the build
- would freeze schema changes during month-end close
- shared dashboard of failed checks per team
- measure: failed builds per week, incidents per quarter"""


def _story_reading(answer: str):
    from interviewer.library import default_library
    from interviewer.offline.analysis import question_stems, read_answer
    from interviewer.offline.matching import compiled

    library = default_library()
    question = next(q for q in library.questions.values() if q.topic == "system-architecture")
    question = question.model_copy(update={"kind": "behavioural"})
    rubric = compiled(library.rubric_for(question))
    return read_answer(answer, rubric, question_stems(question.text, question.strong_answer))


@pytest.mark.parametrize(("line", "told"), [
    ("ran 6 calls with the biggest users", 1),
    ("my part: incident lead; wrote the review; owned the follow-ups", 2),
    ("Did: revoked the token within the hour", 2),
    ("Shared cluster for 30 teams", 0),
    ("Based on usage, cap each key", 0),
    ("Add a contract check in CI", 0),
    ("I would freeze schema changes", 0),
])
def test_a_bullet_line_that_opens_on_a_past_verb_is_a_clause_told(line: str, told: int) -> None:
    assert len(NARRATED_LINE.findall(line)) == told


def test_a_bullet_story_is_read_as_told_and_a_bullet_plan_is_not() -> None:
    """A story in bullets never says "I", yet it recounts what the candidate did; the story
    criterion must not be held at 1 as if it were a plan."""
    from interviewer.offline.grader import narrated

    assert narrated(_story_reading(BULLET_STORY))
    assert not narrated(_story_reading(BULLET_PLAN))


@pytest.mark.parametrize(("line", "recounted"), [
    ("Grouped the open issues by theme and looked at which versions people were pinned to",
     True),
    ("Research: interviewed the five heaviest users of the warehouse about their queries",
     True),
    ("The platform team of six is the bottleneck for all the teams in the company", False),
])
def test_a_recounted_act_in_a_bullet_is_the_candidate_acting(line: str, recounted: bool) -> None:
    assert recounts(line) is recounted
    assert (engagement(line, sentence_quality(line, words(line))) == 1.0) is recounted


@pytest.mark.parametrize("line", [
    "Decision: additive changes only, no rename of the client methods",
    "rejected: one shared key per device model",
    "my role: incident comms lead",
])
def test_a_label_for_the_candidates_own_call_is_their_voice(line: str) -> None:
    assert voiced(line)


@pytest.mark.parametrize(("line", "reasoned"), [
    ("cell outage -> local buffer for 30 days", True),
    ("MTTR ~75 -> ~15 min", True),
    ("one extracted key = whole fleet compromised", True),
    ("a\u2192b", True),
    ("x == y", False),
    ("gateway, ledger, queue, cache", False),
])
def test_an_arrow_or_equals_between_words_is_a_reason(line: str, reasoned: bool) -> None:
    assert bool(REASONING.search(line)) is reasoned
    assert bool(FRAGMENT_REASON.search(line)) is reasoned


def test_a_note_with_an_arrow_counts_as_a_reasoned_point_not_a_list_of_terms() -> None:
    line = "failure: factory line compromised -> revoke certificates batch by batch"
    ws = words(line)
    terse = sentence_quality(line, ws)
    assert terse < 1.0  # no function words: read alone it is a terse fragment at best
    assert fragment_quality(line, ws, terse, names_mechanism=True) == 1.0


@pytest.mark.parametrize("line", [
    "rejected: a cluster per team (30 clusters, a platform team of 6 could not run it)",
    "gave up: next morning's deploys started late",
])
def test_an_option_rejected_or_a_cost_accepted_sets_two_sides_against_each_other(
        line: str) -> None:
    assert CONTRAST.search(line)


@pytest.mark.parametrize(("line", "quality"), [
    ("partial commit (certain baseline) + pilot open format", 0.6),
    ("dedicated ingress controller, three replicas", 0.6),
    ("Kafka, Redis, gRPC, sharding, caching, Kubernetes", 0.1),
    ("gateway / ledger / queue / cache / replicas", 0.1),
])
def test_a_terse_note_of_one_or_two_parts_is_not_a_list_of_terms(line: str,
                                                                  quality: float) -> None:
    assert sentence_quality(line, words(line)) == quality
