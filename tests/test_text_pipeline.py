"""The offline text pipeline on awkward input: typos, stray punctuation and odd layouts."""

from __future__ import annotations

import pytest

from interviewer.offline.text import split_sentences


@pytest.mark.parametrize(("text", "expected"), [
    ("I agree. . Then we ship it.", ["I agree.", "Then we ship it."]),
    (". .", []),
    (". . . . Cap each key.", ["Cap each key."]),
    ("Ship it.\" . ) . Then measure.", ["Ship it.", "Then measure."]),
    ("Ask Dr. . Then we ship.", ["Ask Dr. .", "Then we ship."]),
])
def test_a_full_stop_with_no_word_before_it_ends_the_sentence(text: str,
                                                             expected: list[str]) -> None:
    found = split_sentences(text)
    assert [s.text for s in found] == expected
    for s in found:
        assert text[s.start:s.start + len(s.text)] == s.text


def test_whitespace_runs_with_and_without_line_breaks_split_as_before() -> None:
    text = "Cap each key." + " " * 5000 + "Then measure.\n \n   - Retry with backoff"
    assert [s.text for s in split_sentences(text)] == [
        "Cap each key.", "Then measure.", "Retry with backoff"]
