"""Delivery figures from a transcript: pace, fillers, pauses and talk time."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from interviewer.speech.delivery import Word, count_fillers, load_rules, measure, pauses, tokens


def _words(text: str, gap: float = 0.1, step: float = 0.3) -> list[Word]:
    out, t = [], 0.0
    for w in text.split():
        out.append(Word(text=w, start=t, end=t + step))
        t += step + gap
    return out


def test_fillers_count_words_and_phrases():
    said = tokens("Um, so we would, you know, sort of shard by tenant. Uh, basically that.")
    found = count_fillers(said, load_rules().fillers)
    assert found == {"um": 1, "you know": 1, "sort of": 1, "uh": 1, "basically": 1}


def test_like_as_a_verb_or_comparison_is_not_a_filler():
    rules = load_rules().fillers
    assert count_fillers(tokens("I like token buckets, it looks like a queue"), rules) == {}
    assert count_fillers(tokens("we would, like, cap it per tenant"), rules) == {"like": 1}


def test_long_pauses_come_from_word_timings():
    words = [Word(text="first", start=0, end=0.5), Word(text="then", start=3.0, end=3.4),
             Word(text="done", start=3.5, end=3.9)]
    assert pauses(words, 2.0) == [2.5]


def test_pace_and_verdicts():
    text = " ".join(["word"] * 150)  # 150 words in one minute: inside 120-170
    d = measure(text, _words(text), seconds=60.0, kind="design")
    assert d.words_per_minute == 150.0
    pace = next(f for f in d.figures if f.name == "Pace")
    assert pace.verdict == "ok" and pace.good == "120 to 170"
    fast = measure(" ".join(["word"] * 250), [], seconds=60.0)
    assert next(f for f in fast.figures if f.name == "Pace").verdict == "high"


def test_filler_rate_is_judged_against_the_range():
    text = "um we shard um by tenant um and uh like, measure um it " * 3
    d = measure(text, _words(text), seconds=30.0)
    assert d.fillers == 18 and d.fillers_per_minute == 36.0
    fillers = next(f for f in d.figures if f.name == "Fillers")
    assert fillers.verdict == "high" and "silence" in fillers.advice


def test_talk_time_against_the_kind_target():
    d = measure("short answer", [], seconds=300.0, kind="behavioural")
    assert d.target_seconds == 150 and d.overtime == 150.0
    talk = next(f for f in d.figures if f.name == "Talk time")
    assert talk.verdict == "high" and "2:30 over the 2:30 target" in talk.advice


def test_no_word_timings_means_pauses_unmeasured_not_zero():
    d = measure("a transcript without timings", [], seconds=10.0)
    assert d.long_pauses is None and all(f.name != "Long pauses" for f in d.figures)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000), st.floats(min_value=0, max_value=3600, allow_nan=False))
def test_measure_never_raises(text, seconds):
    d = measure(text, _words(text[:500]), seconds=seconds)
    assert d.words >= 0 and d.fillers <= d.words
