"""Whether a sentence engages with the ask: the candidate proposes, decides, designs, measures
or recounts their own action, rather than describing the world in general.

Essays on an adjacent subject (a history of programming languages for a question on SDKs,
career advice for a question on warehouse limits) share the question's nouns but speak in the
third person about the industry, the past or other people. Answers, however terse, speak as
someone acting on the scenario: "I'd", "we shipped", "cap each key at", a bullet naming a
mechanism, a number to hit."""

from __future__ import annotations

import re

# The candidate as the one acting: "I'd", "we moved", "let's", "our gateway".
_ACTOR = re.compile(
    r"\b(?:i|we|let's|let us|our|ours|us)\b|\bmy (?:call|pick|choice|recommendation|plan|"
    r"decision|team|first|goal|approach|answer|bet|proposal|priority)\b",
    re.IGNORECASE)
# First person that only frames a view of the world ("the PMs I know", "what I've seen").
_ONLOOKER = re.compile(
    r"\b(?:i|we) (?:know|knew|have known|'ve known|have seen|'ve seen|have met|'ve met|"
    r"have watched|'ve watched|admire|remember reading)\b",
    re.IGNORECASE)
# A plan said as such: modal of intent or obligation on the design ("tokens should expire").
_PLAN = re.compile(
    r"\b(?:would|will|'d|'ll|should|must|shall|going to|plan to)\b", re.IGNORECASE)
# Verbs a plan opens with in the imperative ("Cap each key", "Ship the generator first").
_PLAN_VERBS = frozenset(re.findall(r"[a-z]+", """
add adopt alert allow announce apply ask assign audit automate avoid backfill batch block
build cache canary cap charge check choose collect compare cut default define delete deprecate
document drop email enforce estimate expose fail fall fix flag freeze fund gate generate give
grant group hash hire instrument interview keep kill launch let limit list lock log make map
measure merge meter migrate monitor move notify offer open own page partition pick pilot pin
price prioritise prioritize publish put queue rank reject release remove replace require
reserve retire retry return review revoke roll rotate route run sample schedule scope send
separate set shard ship show sign split start stop store stream survey sync tag talk test
throttle tier track treat turn use version wait watch write
"""))
# A concrete measure: a count, share, duration or percentile, not a year or decade.
_MEASURE = re.compile(
    r"(?<![\w.])(?!(?:1[89]|20)\d\d(?:s|\b))\d+(?:[.,]\d+)?\s*(?:%|ms|s|k|m|x)?\b|\bp\d{2,3}\b|"
    r"\b(?:half|double|twice|halved|doubled|tripled|per (?:second|minute|hour|day|week|"
    r"month|request|user|team|key|customer|account|call)|how (?:often|long|fast)|"
    r"(?:share|percentage|percent|proportion|fraction|rate|number|count) of)\b",
    re.IGNORECASE)
# The world described rather than acted on: the past and how things have come to be, the
# industry and people in general, advice to others.
_EXPOSITION = re.compile(
    r"\b(?:has|have|had)\s+(?:\w+ly\s+)?(?:\w+ed|been|become|grown|shown|seen|made|brought|"
    r"come|gone|taken|given|fallen|risen|led|won|lost|begun|done|had)\b|"
    r"\b(?:was|were)\b|\b(?:1[89]|20)\d\d(?:s|\b)|"
    r"\b(?:history|historically|era|eras|decade|decades|century|centuries|generation|"
    r"generations|nowadays|these days|over the years|in recent years|traditionally|once seen|"
    r"industry|industries|the market|marketplace|my advice|it (?:also )?helps to|the lesson|"
    r"a lesson|(?:they|\w+s) (?:will )?(?:usually|typically|generally|often|always|tend to)|"
    r"the best (?:\w+ )?(?:companies|teams|managers|pms|leaders|people|founders)|"
    r"(?:every|most|many|all|successful|great) (?:technology |tech |software )?"
    r"(?:companies|company|organi[sz]ations|businesses|founders|leaders|people))\b",
    re.IGNORECASE)
# The world in general, in the habitual present: a quantified or superlative class of people or
# things as the subject ("most providers start", "large merchants like", "the best pricing
# pages are"), opening the sentence or a clause as its subject; habit adverbs ("fees are
# often", "merchants increasingly compare"); and the reader addressed as "you". A system's own
# parts ("the collector accepts", "the gateway sheds some requests") and plans are not these.
_HABITUAL = re.compile(
    r"(?:^|[,;:]\s+|\band\s+|\bbut\s+)(?:most|many|some|few|large|small|big|successful|"
    r"great|the best|the strongest|"
    r"the hardest|the smartest|the fastest)\s+(?:of the\s+)?(?:[a-z-]+\s+)?[a-z]+s\b|"
    r"\b(?:usually|typically|generally|often|increasingly|rarely|tends? to)\b|"
    r"\b(?:you|your|yourself)\b",
    re.IGNORECASE)
_READER = re.compile(r"\b(?:you|your|yourself)\b", re.IGNORECASE)
_LEAD = re.compile(r"^(?:[\w' -]{1,30}:\s*)?(?:then |first |next |also |and |so )?([a-z]+)\b",
                   re.IGNORECASE)

ENGAGED = 1.0
PLANNED = 0.6  # a modal plan in the third person ("tokens should expire after an hour")
MEASURED = 0.6  # a concrete measure without a voice of its own


def imperative(text: str) -> bool:
    """Opens, after an optional label, with a verb a plan would start with."""
    m = _LEAD.match(text.strip())
    return bool(m) and m.group(1).lower() in _PLAN_VERBS


def engagement(text: str, quality: float) -> float:
    """0..1: how plainly the sentence is the candidate acting on something, not exposition.

    Fragments and list items (quality below a full sentence) are proposals by nature; a full
    sentence engages when it has the candidate as actor, opens as an imperative, states a
    plan with a modal or names a concrete measure."""
    actor = bool(_ACTOR.search(text)) and not _ONLOOKER.search(text)
    if actor or imperative(text) or quality < 1.0:
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
