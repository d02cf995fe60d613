"""Scoring one rubric criterion from the sentences of an answer: which of its concepts the
answer explains, how much substance backs them, and, for the shared criteria, how the answer
is organised and whether it weighs options."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from interviewer.offline import fitted
from interviewer.offline.analysis import Analysed, Reading, list_parts
from interviewer.offline.lexicon import FRAMING_STARTS
from interviewer.offline.matching import CompiledCriterion

STRUCTURE = "structure"
TRADE_OFFS = "trade-offs"

NEAR_CREDIT = 0.5  # a concept matched loosely (two of its distinctive words) earns half
REPEAT_CREDIT = 0.15  # a concept explained again in another sentence adds a little, once
REASONED_CREDIT = 0.2  # per on-point sentence that gives a reason, up to three
CONTRAST_CREDIT = 0.2  # trade-offs: per substantive sentence setting two sides against each other
DECISION_CREDIT = 0.3  # trade-offs: a reasoned commitment
SIGNPOST_CREDIT = 0.25  # structure: per sentence that signposts the answer's order
FRAMING_CREDIT = 0.4  # structure: the opening names who it is for or what the goal is
BLOCKS_CREDIT = 0.3  # structure: the answer is laid out in paragraphs or list items
# A thin answer that names the right move in a line or two earns this on the criterion it is
# about, when every sentence is a full one (quality), none is a list of terms (parts, concepts
# named) and the candidate acts on the question in most of it (mean engagement, counting a
# sentence that describes the world in general as no action).
LINE_LEVEL = 2
LINE_QUALITY = 0.6
# ...or nearly every one: a bullet answer's notes may include a short list ("Identity/security
# first, pipelines last") among full lines; it still says the move once most of its words
# (this share) are in lines that read as sentences
LINE_WRITTEN = 0.75
LINE_PARTS = 6
LINE_CONCEPTS = 2
LINE_ENGAGED = 0.5
LINE_NOTE = "you said in a line what you would do about it"


def kind_of(crit: CompiledCriterion) -> str:
    """Which scoring recipe a criterion follows: topic, structure or trade-offs."""
    if crit.id in (STRUCTURE, TRADE_OFFS):
        return crit.id
    return "topic"


@dataclass
class Tally:
    """What one criterion collected from the answer."""

    credits: dict[int, list[float]] = field(default_factory=dict)
    support: dict[int, float] = field(default_factory=dict)  # sentence index -> weight
    reasoned: set[int] = field(default_factory=set)
    specific: bool = False
    extra: float = 0.0  # credit from the criterion's own recipe (structure, trade-offs)
    notes: list[str] = field(default_factory=list)

    def concept_credit(self) -> float:
        """Distinct concepts explained, a little for repeats, and a bonus for reasons."""
        coverage = sum(max(v) for v in self.credits.values())
        repeats = sum(REPEAT_CREDIT * sorted(v)[-2] for v in self.credits.values() if len(v) > 1)
        return coverage + repeats + REASONED_CREDIT * min(3, len(self.reasoned))

    def back(self, i: int, weight: float) -> None:
        """Record sentence i as support for the criterion."""
        self.support[i] = max(self.support.get(i, 0.0), weight)


def _credit(s: Analysed) -> float:
    """What naming a concept in this sentence is worth: full for a reasoned, concrete sentence."""
    return s.substance / 0.8 * (0.75 + 0.25 * s.reasoning) if s.on_topic else 0.0


def _concepts(ci: int, sentences: tuple[Analysed, ...]) -> Tally:
    t = Tally()
    for i, s in enumerate(sentences):
        hits, near = s.hard[ci], s.near[ci]
        credit = _credit(s)
        if (not hits and not near) or credit <= 0:
            continue
        for k in hits:
            t.credits.setdefault(k, []).append(credit)
        for k in near:
            t.credits.setdefault(k, []).append(credit * NEAR_CREDIT)
        t.back(i, credit * (len(hits) + NEAR_CREDIT * len(near)))
        if s.reasoning and s.quality >= 0.6:
            t.reasoned.add(i)
        t.specific = t.specific or (s.specific and s.quality >= 0.6)
    return t


def _trade_offs(ci: int, t: Tally, sentences: tuple[Analysed, ...]) -> None:
    contrasts = [i for i, s in enumerate(sentences) if s.contrast and s.substance > 0.3
                 and (s.reasoning or s.decision or s.hard[ci] or s.near[ci])]
    decided = [i for i, s in enumerate(sentences)
               if s.decision and (s.reasoning or s.contrast) and s.substance > 0.3]
    t.extra = CONTRAST_CREDIT * min(4, len(contrasts)) + DECISION_CREDIT * bool(decided)
    for i in contrasts[:4] + decided[:1]:
        t.back(i, sentences[i].substance)
    if contrasts:
        t.notes.append("you set options against each other")
    if decided:
        t.notes.append("you committed to a choice with a reason")


def _structure(t: Tally, reading: Reading, blocks: int) -> None:
    sentences = reading.sentences
    signposts = [i for i, s in enumerate(sentences) if s.signpost and s.quality >= 0.6]
    opening = [i for i, s in enumerate(sentences[:2])
               if s.on_topic and any(st.startswith(FRAMING_STARTS) for st in s.content)]
    t.extra = (SIGNPOST_CREDIT * min(3, len(signposts)) + FRAMING_CREDIT * bool(opening)
               + BLOCKS_CREDIT * (blocks >= 3))
    for i in signposts[:3] + opening[:1]:
        t.back(i, 0.5)
    if opening:
        t.notes.append("you opened by saying who the users are or what the goal is")
    if signposts:
        t.notes.append("you signposted the order of your answer, so a plan was announced")
    if blocks >= 3:
        t.notes.append("you laid the answer out in parts")


def tally(ci: int, crit: CompiledCriterion, reading: Reading, blocks: int) -> Tally:
    """Everything the answer offers this criterion."""
    t = _concepts(ci, reading.sentences)
    kind = kind_of(crit)
    if kind == TRADE_OFFS:
        _trade_offs(ci, t, reading.sentences)
    elif kind == STRUCTURE:
        _structure(t, reading, blocks)
    return t


def named_share(crits: Sequence[CompiledCriterion], reading: Reading) -> float:
    """The share of the rubric's topic criteria the answer names anything of (a concept, in the
    rubric's words, a plain paraphrase or a synonym, in a sentence on the question): how much of
    the question's ground it covers, whatever its length. A short plain answer that touches
    every point scores as high as a long one; a long essay on one point does not."""
    topic = [ci for ci, c in enumerate(crits) if kind_of(c) == "topic"]
    if not topic:
        return 0.0
    return sum(bool(_concepts(ci, reading.sentences).credits) for ci in topic) / len(topic)


def raw_score(crit: CompiledCriterion, t: Tally, reading: Reading,
              named: float = 0.0) -> fitted.Signals:
    """Concept credit, the criterion's own recipe, the answer's depth and the share of the
    question's topic criteria it names (named_share): the signals the fitted layer
    (prompts/offline/fit.yaml) turns into a level."""
    return fitted.Signals(t.concept_credit(), t.extra, reading.depth, named)


def level(crit: CompiledCriterion, raw: fitted.Signals, backing: int, bar: float = 1.0) -> int:
    """The 1-4 level the signals reach at the fitted cut-points; a 3 needs two backing
    sentences and a 4 three. `bar` asks for that much more of every signal (1.0 at Senior)."""
    earned = fitted.level_of(kind_of(crit), raw, bar)
    return min(earned, 2 + max(0, backing - 1)) if backing else 1


def said_in_a_line(reading: Reading, topic: Sequence[int]) -> int | None:
    """For a thin answer: the topic criterion (an index in `topic`) it says most about, by
    concepts named, the rubric's first on a tie. Such a criterion earns LINE_LEVEL, which is how
    the blind sets' labellers read a one-liner that names the right move without explaining it
    (each topic criterion's level 2: mentions it, cannot yet say how or why); depth, which the
    fitted layer leans on, is too small in a line to show it. None for an answer with a list of
    terms or a run of jargon in it, one written mostly in fragments, or one that mostly
    describes the subject rather than saying what the candidate would do."""
    sentences = reading.sentences
    if not sentences or not topic:
        return None
    if any(list_parts(s.sentence.text) >= LINE_PARTS or sum(map(len, s.hard)) > LINE_CONCEPTS
           for s in sentences):
        return None
    written = sum(s.n_words for s in sentences if s.quality >= LINE_QUALITY)
    if written < LINE_WRITTEN * sum(s.n_words for s in sentences):
        return None
    acting = [s.engaged for s in sentences if not s.expository]  # describing the world is not
    if sum(acting) / len(sentences) < LINE_ENGAGED:  # saying what you would do
        return None
    named = {ci: sum(len(s.hard[ci]) + NEAR_CREDIT * len(s.near[ci]) for s in sentences)
             for ci in topic}
    return max(topic, key=lambda ci: named[ci])  # max keeps the first of equals
