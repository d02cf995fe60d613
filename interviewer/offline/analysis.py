"""Per-sentence reading of an answer: what each sentence says, and whether it is a real,
on-topic sentence with reasoning or a fragment, a list of terms, padding or an instruction.

How much of the answer is about the question is read per sentence too. Each sentence gets a
scenario score from the question's own words (weighted by how much they single out the
scenario) and the topic's rubric concepts. A sentence with a firm score that has another one
nearby starts a run, and a run carries the sentences around it; a lone mention carries
nothing, so an essay on another subject that touches the question once or twice stays off
topic. The answer's relevance is the share of its sentences covered this way."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache

from interviewer.offline.engagement import addressed, engagement, expository, voiced
from interviewer.offline.injection import separate
from interviewer.offline.lexicon import (
    CONTRAST,
    DECISION,
    EVERYDAY_WORDS,
    FRAGMENT_REASON,
    FUNCTION_WORDS,
    HEDGE,
    PADDING,
    PLATFORM_WORDS,
    REASONING,
    ROLE_WORDS,
    SIGNPOSTS,
    SPECIFIC,
    SPOKEN_OPENERS,
    VAGUE_WORDS,
)
from interviewer.offline.matching import (
    GENERIC_STEMS,
    CompiledRubric,
    concept_pinned,
    content_stems,
    find_concepts,
    positions,
)
from interviewer.offline.text import Sentence, stem, words
from interviewer.speech.delivery import load_rules, without_fillers

_LIST_SEPARATORS = re.compile(r"[,;/|\u2022]|\s[-\u2013\u2014]\s|\band\b")
_PLATFORM_STEMS = frozenset(stem(w) for w in PLATFORM_WORDS)
_EVERYDAY_STEMS = frozenset(stem(w) for w in EVERYDAY_WORDS)
_ROLE_STEMS = frozenset(stem(w) for w in ROLE_WORDS)

VAGUE_WEIGHT = 3.0  # each point of vague-word share takes this much off a sentence's substance
MIN_SUBSTANCE_FACTOR = 0.2
VAGUE_IN_GENERIC = 4.0  # weight of the abstract-word share in the answer's generic score
TYPICAL_CONTENT_WORDS = 8  # a sentence this full counts once; fuller ones count a bit more
MIN_SIZE_FACTOR = 0.7
# sentence_quality's tier for a terse line (short, or few function words): a point made in
# few words, not a list of terms (0.1 and 0.2), so its substance is not discounted
TERSE = 0.6
NOTE_WORDS = 5  # a note with no function words this long (in one or two parts) reads as TERSE
MAX_SIZE_FACTOR = 1.0  # a long (run-on) sentence counts once: length is not substance
# A labelled list line ("Users: analysts, finance, ML team", "measure: % enrolled, renewal
# success") in an answer whose lines are mostly written out (this share of its words in lines
# of TERSE quality or better) is a note's point, made as a list: it reads as TERSE. In a
# keyword list, where most lines are lists, it stays one.
NOTES_WRITTEN = 0.6
_LABELLED = re.compile(r"^[\w'/ -]{1,30}:\s*\S")

# What one question word says about a sentence being on the question's scenario: a word that
# singles the scenario out counts 1, a platform or role word ("api", "engineers") half, an
# everyday word ("change", "value") a quarter.
EVERYDAY_ASKED = 0.25
COMMON_ASKED = 0.5
LONE_CONCEPT = 0.5  # concepts matched only by one meaningful word, counted once a sentence
NEAR_CONCEPT = 0.5  # a topic concept matched loosely (two of its distinctive words)
FIRM = 1.0  # a sentence scoring this much is itself about the scenario
LEANING = 0.5  # one scoring this much leans towards it
RUN_REACH = 3  # a firm sentence starts a run when another one is this close
SHORT_ANSWER = 4  # in answers this short any firm sentence starts a run
PAIRED = 0.75  # two leaning sentences side by side form a weaker run
CARRY = (0.75, 0.5)  # what a run gives the sentences one and two places away
BARE = 0.6  # the share of that for a sentence without a single subject or platform word
LONE_MENTION = 0.5  # a firm sentence with no other near it: a passing mention
REASONED_FRAGMENT = 1.0  # quality of a list item that names a mechanism with a reason or number
REASONED_FRAGMENT_WORDS = 5  # and is at least this long
FRAGMENT_WORDS = 4  # headings and labels this short are left out of relevance
FILLER_VAGUE = 2  # abstract words that make a sentence naming no subject mere filler
# With no "I"/"we" anywhere, sentences to "you" beyond the first make the answer advice, fully
# so at this many more (a lone generic "you" says little)
ADVICE_ADDRESSED = 2
# An answer that describes the world (history, the industry, advice to others) more than it
# acts on the scenario loses this much relevance per point of that excess (0..1).
EXPOSITION_WEIGHT = 1.25


@dataclass(frozen=True, slots=True)
class Analysed:
    """One sentence of the answer and what the grader read in it."""

    sentence: Sentence
    where: dict[str, list[int]]
    content: frozenset[str]
    n_words: int
    n_content: int
    n_domain: int  # content words from the question, the topic's concepts or platform work
    n_vague: int
    quality: float
    reasoning: bool
    specific: bool
    contrast: bool
    decision: bool
    hedge: bool
    signpost: bool
    padding: bool
    asked: bool  # shares a word with the question
    hard: tuple[frozenset[int], ...]  # per criterion: concepts a phrase matched exactly
    near: tuple[frozenset[int], ...]  # per criterion: concepts matched only loosely
    scenario: float = 0.0  # question words and topic concepts: how squarely it is on the question
    n_platform: int = 0  # distinct words of platform work
    on_topic: bool = False  # about the question's subject, itself or as a continuation
    novelty: float = 1.0  # 0 when every content word was already said earlier
    relevance: float = 1.0  # 0..1: covered by a run of sentences on the question
    engaged: float = 0.0  # 0..1: the candidate acting (plan, decision, measure), not exposition
    expository: bool = False  # describes the past, the industry or people in general
    voiced: bool = False  # the candidate speaks as the one acting ("I'd", "we ship")
    addressed: bool = False  # speaks to the reader as "you"

    @property
    def neutral(self) -> bool:
        """Left out when measuring relevance: a heading or label, or filler that names no
        subject at all (hedges, abstract words), neither on the question nor on another one."""
        return self.n_words <= FRAGMENT_WORDS or (
            self.scenario == 0 and self.n_platform == 0
            and (self.hedge or self.n_vague >= FILLER_VAGUE))

    @property
    def names_subject(self) -> bool:
        """Uses a word of the question, the topic's concepts or platform work."""
        return self.asked or self.n_domain >= 1 or any(self.hard) or any(self.near)

    @property
    def substance(self) -> float:
        """0..1: how much real content the sentence carries (prose, concrete, not vague)."""
        if self.padding or not self.on_topic or not self.names_subject:
            return 0.0
        on_question = min(1.0, self.relevance / LEANING)
        vague = self.n_vague / max(1, self.n_content)
        factor = max(MIN_SUBSTANCE_FACTOR, 1 - VAGUE_WEIGHT * vague)
        size = min(MAX_SIZE_FACTOR, max(MIN_SIZE_FACTOR, self.n_content / TYPICAL_CONTENT_WORDS))
        return (self.written * factor * self.novelty * size * on_question
                * (0.6 + 0.2 * self.reasoning + 0.2 * self.specific))

    @property
    def written(self) -> float:
        """How far the way the sentence is written limits its substance: a terse line (a
        bullet, a spoken fragment) says as much as the full sentence saying the same, so it
        counts in full; a list of terms (quality under TERSE) still counts for little."""
        return 1.0 if self.quality >= TERSE else self.quality


@dataclass(frozen=True, slots=True)
class Reading:
    """The whole answer as the grader read it."""

    sentences: tuple[Analysed, ...]
    injected: tuple[Sentence, ...]
    prose_share: float
    relevance: float  # share of the answer's sentences about the question (0..1)
    vague_share: float
    hedge_share: float  # share of sentences that only prescribe in general terms ("we should")

    @property
    def usable(self) -> tuple[Analysed, ...]:
        """Sentences that may earn credit: not padding."""
        return tuple(s for s in self.sentences if not s.padding)

    @property
    def generic(self) -> float:
        """How much the answer speaks in principles: hedged sentences plus abstract words."""
        return self.hedge_share + VAGUE_IN_GENERIC * self.vague_share

    @property
    def depth(self) -> float:
        """Summed substance of the answer's sentences, damped when the answer is mostly vague."""
        return sum(s.substance for s in self.sentences) * max(0.3, 1 - 2 * self.vague_share)


def list_parts(text: str) -> int:
    """How many comma-, slash- or "and"-separated parts a sentence has: a list of terms has
    many, a sentence that says one thing few."""
    return sum(1 for p in _LIST_SEPARATORS.split(text) if p.strip())


def sentence_quality(text: str, ws: list[str]) -> float:
    """1.0 for a full sentence, less for fragments, about 0.1 for a bare list of terms."""
    n = len(ws)
    if n == 0:
        return 0.0
    function_share = sum(w in FUNCTION_WORDS for w in ws) / n
    parts = [len(p.split()) for p in _LIST_SEPARATORS.split(text) if p.strip()]
    listed = sum(k for k in parts if k <= 3) / max(1, sum(parts)) if len(parts) >= 4 else 0.0
    if n < 4:
        return 0.2
    if function_share < 0.12:
        # a note of one or two parts ("partial commit + pilot open format") is a point made
        # tersely; three or more bare parts are a list of terms
        return TERSE if len(parts) <= 2 and n >= NOTE_WORDS else 0.1
    if listed >= 0.6 and function_share < 0.25:
        return 0.2
    if n < 6 or function_share < 0.2:
        return 0.6
    return 1.0


def fragment_quality(text: str, ws: list[str], quality: float, names_mechanism: bool) -> float:
    """A terse list item counts as a full sentence when it names a mechanism and gives a reason,
    a condition or a number, unless it is itself a list of terms."""
    if quality >= REASONED_FRAGMENT or not names_mechanism or len(ws) < REASONED_FRAGMENT_WORDS:
        return quality
    parts = [len(p.split()) for p in _LIST_SEPARATORS.split(text) if p.strip()]
    if len(parts) >= 4 and sum(k <= 3 for k in parts) * 2 >= len(parts):
        return quality
    return REASONED_FRAGMENT if FRAGMENT_REASON.search(text) else quality


def question_stems(question_text: str, strong_answer: list[str]) -> frozenset[str]:
    """Content stems of the question and its strong-answer points, minus generic words."""
    stems = content_stems(question_text)
    for point in strong_answer:
        stems.extend(content_stems(point))
    return frozenset(s for s in stems if s not in GENERIC_STEMS and len(s) > 2)


def _asked_weight(st: str) -> float:
    if st in _EVERYDAY_STEMS:
        return EVERYDAY_ASKED
    if st in _ROLE_STEMS or st in _PLATFORM_STEMS:
        return COMMON_ASKED
    return 1.0


def _scenario(rubric: CompiledRubric, where: dict[str, list[int]], content: frozenset[str],
              asked: frozenset[str], hard: tuple[frozenset[int], ...],
              near: tuple[frozenset[int], ...]) -> float:
    """Question words by how much they single out the scenario, plus the topic's own concepts:
    a phrase of two or more meaningful words counts 1; lone words ("logs", "chargeback") may be
    meant in another sense, so together they count half."""
    score = sum(_asked_weight(st) for st in content & asked)
    lone = 0
    for ci, crit in enumerate(rubric.criteria):
        if not crit.shared:
            pinned = sum(concept_pinned(crit.concepts[k], where) for k in hard[ci])
            score += pinned + NEAR_CONCEPT * len(near[ci])
            lone += len(hard[ci]) - pinned
    return score + LONE_CONCEPT * min(1, lone)


@cache
def _filler_pattern() -> re.Pattern[str]:
    """The fillers of prompts/speech/delivery.yaml as one pattern, each with the comma that
    sets it off; "like" is left to the word-level check, which knows when it is a verb."""
    rules = load_rules().fillers
    said = sorted({*rules.words, *rules.phrases} - {"like"}, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(f) for f in said) + r")\b,?\s*",
                      re.IGNORECASE)


def without_speech_fillers(text: str) -> str:
    """The sentence as the content grader reads it: no "um", "you know", "sort of" (the
    filler list is delivery feedback's, in prompts/speech/delivery.yaml). A filler is how
    an answer was spoken, not a lack of substance; and a "you know" is not advice to "you"."""
    return _filler_pattern().sub("", text)


def _analyse(s: Sentence, rubric: CompiledRubric, asked: frozenset[str]) -> Analysed:
    text = without_speech_fillers(s.text)
    core = SPOKEN_OPENERS.sub("", text)
    ws = without_fillers(words(text), load_rules().fillers)
    stems = [stem(w) for w in ws]
    where = positions(stems)
    pairs = [(w, st) for w, st in zip(ws, stems, strict=True)
             if w not in FUNCTION_WORDS and st not in GENERIC_STEMS and len(st) > 1]
    kept = [st for _, st in pairs]
    content = frozenset(kept)
    hard, near = find_concepts(rubric, where, content)
    telling = asked - _EVERYDAY_STEMS  # the question's words that say what it is about
    domain = sum(st in _PLATFORM_STEMS or st in rubric.topic_stems or st in telling for st in kept)
    terse = sentence_quality(text, ws)
    quality = fragment_quality(text, ws, terse, domain > 0 or any(hard))
    return Analysed(
        sentence=s, where=where, content=content, n_words=len(ws), n_content=len(kept),
        n_domain=domain, n_vague=sum(w in VAGUE_WORDS for w, _ in pairs),
        quality=quality, engaged=engagement(text, terse), expository=expository(text),
        voiced=voiced(text), addressed=addressed(text),
        reasoning=bool(REASONING.search(core)), specific=bool(SPECIFIC.search(text)),
        contrast=bool(CONTRAST.search(text)), decision=bool(DECISION.search(text)),
        hedge=bool(HEDGE.search(text)),
        signpost=bool(SIGNPOSTS.search(core)),
        padding=bool(PADDING.search(text)) and len(content & asked) < 2,
        asked=bool(content & telling), hard=hard, near=near,
        scenario=_scenario(rubric, where, content, asked, hard, near),
        n_platform=len(content & _PLATFORM_STEMS),
    )


def coverage(scores: list[float], named: list[bool]) -> list[float]:
    """Per sentence, 0..1: how far it belongs to a run of sentences on the question.

    A firm sentence with another within RUN_REACH starts a run (in a short answer any firm
    sentence does), and so do two leaning sentences side by side, more weakly. A run covers
    its own sentences and carries the ones up to two places away. Anything else keeps only
    part of its own score: a lone firm mention in an essay does not make the essay relevant.
    """
    n = len(scores)
    firm = [x >= FIRM for x in scores]
    leaning = [x >= LEANING for x in scores]
    runs = [0.0] * n
    for i in range(n):
        near = range(max(0, i - RUN_REACH), min(n, i + RUN_REACH + 1))
        if firm[i] and (n <= SHORT_ANSWER or any(firm[j] for j in near if j != i)):
            runs[i] = 1.0
        elif leaning[i] and ((i > 0 and leaning[i - 1]) or (i + 1 < n and leaning[i + 1])):
            runs[i] = PAIRED
    out = []
    for i in range(n):
        if runs[i]:
            out.append(runs[i])
            continue
        own = LONE_MENTION if firm[i] else LEANING * scores[i]
        share = 1.0 if named[i] else BARE
        carried = max((runs[j] * CARRY[abs(i - j) - 1] * share
                       for j in range(max(0, i - len(CARRY)), min(n, i + len(CARRY) + 1))
                       if j != i), default=0.0)
        out.append(max(own, carried))
    return out


def _with_context(sentences: list[Analysed]) -> list[Analysed]:
    """Mark sentences on topic when they name the subject or continue a sentence that does,
    and how far each is covered by a run of sentences on the question."""
    whole = [i for i, s in enumerate(sentences) if not s.neutral] or list(range(len(sentences)))
    covered = dict(zip(whole, coverage([sentences[i].scenario for i in whole],
                                       [sentences[i].scenario > 0 or sentences[i].n_platform > 0
                                        for i in whole]), strict=True))
    out: list[Analysed] = []
    seen: set[str] = set()
    for i, s in enumerate(sentences):
        follows = i > 0 and sentences[i - 1].names_subject and s.quality >= 0.6
        fresh = len(s.content - seen) / len(s.content) if s.content else 0.0
        seen |= s.content
        out.append(replace(s, on_topic=s.names_subject or follows, novelty=min(1.0, 1.5 * fresh),
                           relevance=covered.get(i, 1.0)))
    return out


def advice_share(whole: list[Analysed]) -> float:
    """0..1: how far the answer is advice to the reader: it speaks to "you" and the candidate
    never acts as "I" or "we", so its imperatives ("Learn the domain") counsel others rather
    than plan the work."""
    if any(s.voiced for s in whole):
        return 0.0
    return min(1.0, max(0, sum(s.addressed for s in whole) - 1) / ADVICE_ADDRESSED)


def exposition(whole: list[Analysed]) -> float:
    """0..1: how far the answer describes the world instead of acting on the question.

    The share of sentences that are exposition (unless the candidate acts in them) minus the
    share that engage with the ask, the latter counted only where the question's own words
    or the topic's concepts appear in the same sentence."""
    if not whole:
        return 0.0
    advice = advice_share(whole)
    told = sum(max((1 - s.engaged) * s.expository, advice * s.engaged) for s in whole)
    acted = sum((1 - advice) * s.engaged * min(1.0, s.scenario / LEANING) for s in whole)
    return max(0.0, told - acted) / len(whole)


def answer_relevance(kept: list[Analysed] | tuple[Analysed, ...]) -> float:
    """The share of the answer's sentences (headings and filler left out) that are about the
    question, less what describing the world instead of acting on it costs."""
    whole = [s for s in kept if not s.neutral] or list(kept)
    if not whole:
        return 0.0
    return (sum(s.relevance for s in whole) / len(whole)
            * max(0.0, 1 - EXPOSITION_WEIGHT * exposition(whole)))


def labelled_lists_as_notes(sentences: list[Analysed]) -> list[Analysed]:
    """In an answer written mostly in sentences or terse notes, a line that gives a label and
    then lists its items reads as a terse point (TERSE), not as a list of terms."""
    total = sum(s.n_words for s in sentences)
    written = sum(s.n_words for s in sentences if s.quality >= TERSE)
    if not total or written < NOTES_WRITTEN * total:
        return sentences
    return [replace(s, quality=TERSE)
            if s.quality < TERSE and s.n_words >= NOTE_WORDS and _LABELLED.match(s.sentence.text)
            else s for s in sentences]


def read_answer(answer: str, rubric: CompiledRubric, asked: frozenset[str]) -> Reading:
    """Split, classify and match every sentence of an answer; set aside grader instructions."""
    clean, injected = separate(answer)
    kept = _with_context(labelled_lists_as_notes([_analyse(s, rubric, asked) for s in clean]))
    total = sum(s.n_words for s in kept)
    content = sum(s.n_content for s in kept)
    return Reading(
        sentences=tuple(kept), injected=tuple(injected),
        prose_share=sum(s.n_words * s.quality for s in kept) / total if total else 0.0,
        relevance=answer_relevance(kept),
        vague_share=sum(s.n_vague for s in kept) / content if content else 0.0,
        hedge_share=sum(s.hedge and not (s.specific or any(s.hard)) for s in kept) / len(kept)
        if kept else 0.0)
