"""Honest confidence: when the offline grader's own signals disagree, or the answer is written
in a style it reads less reliably, it says its grade is uncertain and why."""

from __future__ import annotations

from collections.abc import Sequence

from interviewer.offline.analysis import Reading
from interviewer.offline.lexicon import SPOKEN
from interviewer.scoring import CriterionGrade, RedFlagHit

SPOKEN_PER_100_WORDS = 2.0  # this many fillers per hundred words: a spoken transcript
NOTES_SHARE = 0.75  # below this share of full sentences, much of the answer is notes
CLOSE_CALL = 0.05  # relevance this close to a cut-off is a close call
SPLIT = 2  # topic criteria this many levels apart disagree
# said when an answer that shares few of the question's words was graded as an answer anyway,
# because it acts on the scenario and explains the topic's concepts in its own words
PLAIN_WORDS_DOUBT = ("It uses few of the question's own words, so the offline grader could not "
                     "be sure it answers this question; it was graded as an answer because it "
                     "acts on the scenario and explains the topic in its own words.")
# said when an answer to a question that asks for a plan only recounts what the candidate once
# did, and was graded on what it covers: past work can answer the question or a neighbouring
# one, and the offline grader cannot tell which
RECOLLECTION_DOUBT = ("It recounts what you did before and never says what you would do here, "
                      "so the offline grader could not be sure that past work answers this "
                      "question; say how it applies to this scenario.")
# ...and when such an answer also shares little with what a strong answer covers
RECOLLECTION_HELD = ("It recounts what you did before, never says what you would do here and "
                     "covers little of what this question asks, so it was graded as an answer "
                     "to a neighbouring question; say what you would do in this scenario.")

# said once on every scorecard the offline grader graded: what no per-answer signal can tell.
# Measured on the eighteenth and nineteenth blind holdouts (questions it was never tuned for):
# 23 of 30 fluent wrong designs graded above 2, most of them without a red flag.
OFFLINE_LIMITS = ("The offline grader judges what your answer covers and how it reasons, not "
                  "whether the design would work: a confident plan that would hurt its users "
                  "can score like a sound one unless it says the harm in words the rubric's red "
                  "flags name. For a verdict on the design itself, grade with an LLM.")


def uncertainty(answer: str, reading: Reading, grades: Sequence[CriterionGrade],
                topic_ids: set[str], hits: Sequence[RedFlagHit],
                cut_offs: Sequence[float]) -> list[str]:
    """Plain reasons the grade may be off; empty when the grader's signals agree."""
    reasons = []
    n_words = max(1, len(answer.split()))
    if len(SPOKEN.findall(answer)) * 100 / n_words >= SPOKEN_PER_100_WORDS:
        reasons.append("It reads as spoken: fillers and self-corrections can hide substance "
                       "from the offline grader, or run-on sentences can look deeper than they "
                       "are.")
    if reading.sentences and reading.prose_share < NOTES_SHARE:
        reasons.append("Much of it is written as short notes, which the offline grader reads "
                       "less reliably than full sentences.")
    if any(abs(reading.relevance - c) < CLOSE_CALL for c in cut_offs):
        reasons.append("Whether it stays on the question asked is a close call.")
    topic = [g.score for g in grades if g.id in topic_ids]
    if topic and max(topic) - min(topic) >= SPLIT:
        reasons.append("Its topic criteria disagree sharply, so the overall hides a split "
                       "between a strong part and a weak one.")
    if hits and len(topic) > len(hits) and sorted(topic)[-1] >= 3:
        reasons.append("A red flag lowered a grade the rest of the answer would have earned; "
                       "check that the quoted sentence really proposes it.")
    return reasons
