"""The offline grader on the ways real candidates write and speak: lower-case transcripts,
fillers, and strong answers told in the candidate's own words rather than the outline's."""

from __future__ import annotations

import pytest

from interviewer.library import Rubric, default_library
from interviewer.offline import grade_answer
from interviewer.offline.analysis import read_answer, without_speech_fillers
from interviewer.offline.matching import compiled
from interviewer.offline.text import split_sentences
from interviewer.scoring import AnswerGrade
from interviewer.speech.delivery import load_rules, without_fillers
from tests.library_requests import library_request


def load_rubrics_for(topic: str) -> Rubric:
    return default_library().rubrics[topic]


def grade_library(question_id: str, answer: str) -> AnswerGrade:
    return grade_answer(library_request(question_id, answer))


# ---------------------------------------------------------------- transcripts


def test_a_lower_case_transcript_splits_at_its_full_stops() -> None:
    text = ("so we moved the big tenants to their own queue last spring. then the small "
            "ones stopped timing out within a week. and support tickets fell by half.")
    assert [s.text for s in split_sentences(text)] == [
        "so we moved the big tenants to their own queue last spring.",
        "then the small ones stopped timing out within a week.",
        "and support tickets fell by half."]


@pytest.mark.parametrize("text", [
    "We retry with backoff, e.g. after one second and then two.",
    "Keep it short, approx. two pages, and link the rest.",
    "Pick a limit. then",  # a short piece before the stop is kept whole
])
def test_a_stop_after_an_abbreviation_or_short_piece_does_not_split(text: str) -> None:
    assert len(split_sentences(text)) == 1


def test_a_red_flag_in_a_transcript_is_not_hidden_by_a_warning_in_the_next_sentence() -> None:
    said = ("okay so first I'd shut the request queue, no more tickets. then we announce "
            "to every engineer that from next quarter all scripts are banned and everyone "
            "has to move onto the new platform by a date. teams won't love it but that is "
            "the point of a platform.")
    grade = grade_library("idp-first-platform-pm-roadmap", said)
    assert any(h.id == "forced-by-mandate" for h in grade.red_flags)
    assert grade.overall <= 2


# ---------------------------------------------------------------- fillers


def test_fillers_are_dropped_from_what_the_grader_reads() -> None:
    assert without_speech_fillers("so um, we, you know, capped each key, uh, at 100") == \
        "so we, capped each key, at 100"
    rules = load_rules().fillers
    assert without_fillers(["we", "like", "retries", "like", "a", "queue"], rules) == \
        ["we", "like", "retries", "like", "a", "queue"]  # a verb and a comparison stay
    assert without_fillers(["so", "like", "the", "limit"], rules) == ["so", "like", "the",
                                                                       "limit"]
    assert without_fillers(["we", "had", "like", "ten", "teams"], rules) == \
        ["we", "had", "ten", "teams"]


SPOKEN_PLAN = (
    "I'd give each customer a steady allowance of calls per second plus a small reserve for "
    "bursts, because their traffic comes in spikes when a batch job starts. When a caller "
    "runs over, we answer with a clear error that says how long to wait before retrying, so "
    "their clients back off instead of hammering us. The biggest accounts get their own "
    "higher allowance agreed in the contract, so one noisy tenant cannot starve the small "
    "ones. Before enforcing anything I'd run the limits in report-only mode for two weeks "
    "and email every customer who would have been throttled, since a surprise outage is "
    "worse than a late launch.")


def test_fillers_cost_an_answer_nothing() -> None:
    clean = grade_library("api-sms-tiered-rate-limits", SPOKEN_PLAN)
    spoken = SPOKEN_PLAN.replace("I'd give", "um, I'd, you know, give").replace(
        "When a caller", "uh, when a caller, sort of,").replace(
        "Before enforcing", "and, um, basically, before enforcing")
    assert grade_library("api-sms-tiered-rate-limits", spoken).overall == clean.overall


# ---------------------------------------------------------------- the candidate's own words

OWN_WORDS_STORY = (
    "At a travel startup in 2022 I had to choose where our search ranking models would run: "
    "a hosted inference vendor or our own GPU boxes. The vendor was quicker to start and we "
    "had no one who knew how to run GPUs, but its price per call would triple once bookings "
    "grew, and moving off it later meant rewriting every caller. I picked the vendor for the "
    "first six months because we needed to ship before the summer season, and I put a thin "
    "internal service in front of it so teams called us, not the vendor. I also negotiated a "
    "contract we could leave with 60 days notice. By winter the bill had doubled, so we moved "
    "the two busiest models to our own machines in three weeks, and no product team had to "
    "change a line. Looking back I would have written down the spend level that triggers the "
    "move on day one, instead of arguing about it every month.")
ADJACENT_ESSAY = (
    "Large language models have changed how companies think about software. Ten years ago "
    "machine learning lived in research labs, and few product teams had the skills to use it. "
    "Today most technology companies use hosted models from a handful of providers, and the "
    "market moves quickly as new providers appear. Open models have become popular as well, "
    "and many engineers enjoy experimenting with them. The history of cloud computing suggests "
    "that platforms tend to consolidate over time, and the best companies usually adapt to "
    "that. Leaders often worry about lock-in, but lock-in has always been part of technology "
    "decisions. In the end the industry will keep evolving, and the teams that learn fastest "
    "tend to win.")


def test_a_real_story_in_its_own_words_is_not_held_down_by_the_outline_ceiling() -> None:
    """It uses about a tenth of the outline's words (the ceiling would hold it at 1.5), but it
    acts on the question throughout and explains the topic's concepts."""
    grade = grade_library("ml-hard-to-reverse-bet", OWN_WORDS_STORY)
    assert grade.overall_cap is None
    assert grade.overall >= 2.75  # a Hire to the nearest level, twice the ceiling's 1.5


def test_an_essay_beside_the_question_is_still_held_down() -> None:
    grade = grade_library("ml-hard-to-reverse-bet", ADJACENT_ESSAY)
    assert grade.overall <= 1.5


def test_a_spoken_opener_is_not_reasoning_or_a_signpost() -> None:
    rubric = compiled(load_rubrics_for("rate-limiting"))
    said = read_answer("so yeah, the gateway sits in front of every service.\n"
                       "okay so first, we cap each key.\n"
                       "The gateway sits in front so that retries stay cheap.", rubric,
                       frozenset())
    opener, signposted, reasoned = said.sentences
    assert not opener.reasoning
    assert signposted.signpost  # "first" still opens it once the "okay so" is set aside
    assert reasoned.reasoning
