"""Plain-language rewrites of strong answers must not lose to their originals (issue 9): the
substance a sentence says in everyday words earns what the same substance earns in jargon or
digits. Hand-written sentences only; no labelled answer is quoted."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interviewer.offline.lexicon import SPECIFIC

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
