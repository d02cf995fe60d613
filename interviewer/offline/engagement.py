"""Whether a sentence engages with the ask: the candidate proposes, decides, designs, measures
or recounts their own action, rather than describing the world in general.

Essays on an adjacent subject (a history of programming languages for a question on SDKs,
career advice for a question on warehouse limits) share the question's nouns but speak in the
third person about the industry, the past or other people. Answers, however terse, speak as
someone acting on the scenario: "I'd", "we shipped", "cap each key at", a bullet naming a
mechanism, a number to hit."""

from __future__ import annotations

import re

from interviewer.offline.lexicon import LEXICON, NARRATED_LINE, any_of, words_pattern

_E = LEXICON.engagement
# The cues live in prompts/offline/lexicon.yaml (`engagement:`); this builds them into patterns.
_ACTOR = words_pattern(_E.actor)
_ONLOOKER = words_pattern(_E.onlooker)
_PLAN = words_pattern(_E.plan)
_PLAN_VERBS = frozenset(_E.plan_verbs.split())
_MEASURE = words_pattern(_E.measure)
_EXPOSITION = words_pattern(_E.exposition)
# A quantified class as the subject, opening the sentence or a clause ("most providers start",
# "..., and large merchants like"); an adverb of habit; the reader addressed as "you".
_HABITUAL = re.compile(
    r"(?:^|[,;:]\s+|\band\s+|\bbut\s+)" + any_of(_E.habitual_subjects)
    + r"\s+(?:of the\s+)?(?:[a-z-]+\s+)?[a-z]+s\b|\b" + any_of(_E.habit_adverbs + _E.reader)
    + r"\b", re.IGNORECASE)
_READER = words_pattern(_E.reader)
_LABEL_TEXT = r"[\w' -]{1,30}:\s*"  # "Result: ..." opening a list item
_LABEL = re.compile("^" + _LABEL_TEXT)
_LEAD = re.compile(r"^(?:" + _LABEL_TEXT + r")?(?:" + any_of(_E.lead_ins) + r" )?([a-z]+)\b",
                   re.IGNORECASE)
_BARE_LEAD = re.compile(r"^(?:" + any_of(_E.lead_ins) + r" )?([a-z]+)\b", re.IGNORECASE)
_PROHIBITION = re.compile(r"^(?:[\w' -]{1,30}:\s*)?(?:" + any_of(_E.lead_ins) + r" )?"
                          + any_of(_E.prohibitions) + r"\b", re.IGNORECASE)

ENGAGED = 1.0
PLANNED = 0.6  # a modal plan in the third person ("tokens should expire after an hour")
MEASURED = 0.6  # a concrete measure without a voice of its own


def imperative(text: str) -> bool:
    """Opens, after an optional label, with a verb a plan would start with, or with a verb
    telling what not to do ("Don't overwrite the old metric")."""
    text = text.strip()
    # the verb may itself open a "label" ("Use OAuth: the partner tenant links ...")
    return bool(_PROHIBITION.match(text)) or any(
        m is not None and m.group(1).lower() in _PLAN_VERBS
        for m in (_LEAD.match(text), _BARE_LEAD.match(text)))


def recounts(text: str) -> bool:
    """Opens, after an optional label, on a past-tense verb with its "I" dropped, as a bullet
    story's lines do ("ran 6 calls with users", "Did: revoked the token"): the candidate
    recounting their own act."""
    line = text.strip()
    label = _LABEL.match(line)
    return bool(NARRATED_LINE.match(line[label.end() if label else 0:]))


def engagement(text: str, quality: float) -> float:
    """0..1: how plainly the sentence is the candidate acting on something, not exposition.

    Fragments and list items (quality below a full sentence) are proposals by nature; a full
    sentence engages when it has the candidate as actor, opens as an imperative or on a
    recounted act of their own (a bullet story's dropped "I"), states a
    plan with a modal or names a concrete measure."""
    actor = bool(_ACTOR.search(text)) and not _ONLOOKER.search(text)
    if actor or imperative(text) or recounts(text) or quality < 1.0:
        return ENGAGED
    if _PLAN.search(text):
        return PLANNED
    if _MEASURE.search(text):
        return MEASURED
    return 0.0


def expository(text: str) -> bool:
    """Describes the past, the industry or people in general, or advises others."""
    return bool(_EXPOSITION.search(text) or _HABITUAL.search(text))


def voiced(text: str) -> bool:
    """The candidate speaks as the one acting ("I'd", "we ship", "our gateway")."""
    return bool(_ACTOR.search(text)) and not _ONLOOKER.search(text)


def addressed(text: str) -> bool:
    """Speaks to the reader as "you": advice to others rather than the candidate's plan."""
    return bool(_READER.search(text))
