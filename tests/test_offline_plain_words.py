"""Plain-language rewrites of strong answers must not lose to their originals (issue 9): the
substance a sentence says in everyday words earns what the same substance earns in jargon or
digits. Hand-written sentences only; no labelled answer is quoted."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interviewer.library import default_library
from interviewer.offline.lexicon import SPECIFIC
from interviewer.offline.matching import (
    compile_plain,
    compiled,
    find_concepts,
    phrase_in,
    positions,
)
from interviewer.offline.text import stems

NUMBER_WORDS = {2: "two", 3: "three", 5: "five", 10: "ten", 20: "twenty", 40: "forty"}


@pytest.mark.parametrize("sentence", [
    "About twenty thousand people at that customer sign in from five office addresses",
    "Under three percent of their logins fail, against ninety for an attack",
    "One in ten teams still calls the old endpoint",
    "Half of the pages last quarter needed nobody to act",
    "Their rush starts at nine o'clock",
    "We see about two thousand logins a minute at the peak",
    "The on-call engineer gets paged twice a week now",
    "Hundreds of services read that field",
])
def test_a_measure_said_in_words_is_concrete(sentence: str) -> None:
    assert SPECIFIC.search(sentence)


@pytest.mark.parametrize("sentence", [
    "We slow it down and ask for an extra check instead of locking the account",
    "I would take a day to talk to the teams first",
    "Someone has to own the decision and tell people about it",
    "One of those rules on its own is not enough",
])
def test_a_plain_sentence_without_a_measure_is_not(sentence: str) -> None:
    assert not SPECIFIC.search(sentence)


@given(n=st.sampled_from(sorted(NUMBER_WORDS)),
       unit=st.sampled_from(["percent of the teams", "logins a minute", "deploys a day"]))
def test_digits_and_words_read_the_same(n: int, unit: str) -> None:
    """Whether a candidate writes 20 or twenty does not change whether a measure is read."""
    assert bool(SPECIFIC.search(f"We saw {n} {unit}")) == bool(
        SPECIFIC.search(f"We saw {NUMBER_WORDS[n]} {unit}"))


@given(st.text(max_size=300))
def test_reading_measures_never_fails_on_any_text(text: str) -> None:
    SPECIFIC.search(text)


def _concepts(topic: str, sentence: str) -> set[str]:
    """The names of the concepts a sentence matches exactly in a topic's rubric."""
    rubric = compiled(default_library().rubrics[topic])
    found = stems(sentence)
    hard, _ = find_concepts(rubric, positions(found), frozenset(found))
    return {rubric.criteria[ci].concepts[k].name for ci, ks in enumerate(hard) for k in ks}


@pytest.mark.parametrize(("topic", "sentence", "concept"), [
    ("trade-offs", "I'd pick the quarter-hour refresh, and what we give up is live numbers "
                   "on every chart.", "names the sacrifice"),
    ("trade-offs", "Changing the stored records cannot be undone, so we keep a copy of the old "
                   "table for a week.", "reversibility"),
    ("trade-offs", "I would reopen the decision if the new screen catches two real problems a "
                   "month.", "revisit triggers"),
    ("trade-offs", "Before anything else I'd try it on one team's pipeline for a month.",
     "de-risks the choice"),
    ("rate-limiting", "Programs that go over get a message to try again in thirty seconds.",
     "429 and retry-after"),
    ("rate-limiting", "If the shared counter breaks, we let traffic through but keep a rough "
                      "limit on each server.", "limiter failure behaviour"),
    ("rate-limiting", "For the first two weeks it runs watch-only, counting who would have been "
                      "stopped.", "careful rollout of limits"),
    ("success-metrics", "The one number I'd put in front of leadership is how many teams ship "
                        "without asking us for help.", "primary metric"),
    ("success-metrics", "We compare teams that moved with teams still on the old pipeline over "
                        "the same weeks.", "attribution and comparison"),
    ("system-architecture", "If the payment box stops working, the shop keeps taking orders "
                            "and sends them later.", "failure modes"),
    ("versioning", "We give every partner six months' notice and a switch-off date in writing.",
     "deprecation window and timeline"),
    ("observability", "Only page someone when shoppers actually see failures.",
     "alerting on symptoms"),
])
def test_a_concept_said_in_plain_words_earns_it(topic: str, sentence: str,
                                                concept: str) -> None:
    assert concept in _concepts(topic, sentence)


@pytest.mark.parametrize(("topic", "sentence", "concept"), [
    ("trade-offs", "The office moved to a new floor in the spring and everyone liked the view.",
     "reversibility"),
    ("trade-offs", "We went back to the hotel after dinner.", "reversibility"),
    ("rate-limiting", "We went to the beach and waited for the bus to come back.",
     "429 and retry-after"),
    ("rate-limiting", "We had too many meetings about the offsite.", "429 and retry-after"),
    ("success-metrics", "We counted the chairs before the party.", "precise definitions"),
    # a paraphrase counts only as said, word for word: these hold its words apart or reordered
    ("rate-limiting", "Last spring one customer sent messages from a single sender number.",
     "numbers grounded in capacity and usage"),
    ("success-metrics", "Our number one fan waited at the gate all day.", "primary metric"),
    ("system-architecture", "My laptop stopped charging on the train.", "failure modes"),
])
def test_an_unrelated_plain_sentence_does_not(topic: str, sentence: str, concept: str) -> None:
    assert concept not in _concepts(topic, sentence)


def test_a_single_word_is_not_a_paraphrase() -> None:
    assert compile_plain("refills") is None
    assert compile_plain("what we give up") is not None


WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)


@given(before=st.lists(WORD, max_size=12), after=st.lists(WORD, max_size=12))
def test_a_paraphrase_said_anywhere_in_a_sentence_is_found(before: list[str],
                                                             after: list[str]) -> None:
    """Wherever a candidate says the paraphrase, whatever surrounds it, it is read."""
    phrase = compile_plain("try again in")
    assert phrase is not None
    sentence = " ".join([*before, "try again in", *after])
    assert phrase_in(phrase, positions(stems(sentence)))
