"""The offline grader: scores each rubric criterion 1 to 4 from what the answer actually says,
quoting the sentences that earned the score."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, replace

from interviewer.models.base import GradeRequest
from interviewer.offline import fitted
from interviewer.offline.analysis import (
    LEANING,
    Reading,
    answer_relevance,
    question_stems,
    read_answer,
)
from interviewer.offline.confidence import (
    PLAIN_WORDS_DOUBT,
    RECOLLECTION_DOUBT,
    RECOLLECTION_HELD,
    uncertainty,
)
from interviewer.offline.criteria import (
    LINE_LEVEL,
    LINE_NOTE,
    Tally,
    kind_of,
    level,
    named_share,
    raw_score,
    said_in_a_line,
    tally,
)
from interviewer.offline.feedback import coach, missing_concepts, tip_for
from interviewer.offline.level_bar import REFERENCE, LevelBar, level_bar
from interviewer.offline.lexicon import FUNCTION_WORDS, HYPOTHETICAL, NARRATED, NARRATED_LINE
from interviewer.offline.matching import (
    GENERIC_STEMS,
    CompiledCriterion,
    CompiledRubric,
    compiled,
    concept_in,
    content_stems,
    positions,
)
from interviewer.offline.off_topic import does_the_ask, proposes_nothing
from interviewer.offline.red_flags import find_red_flags
from interviewer.offline.synonyms import table as synonym_table
from interviewer.offline.synonyms import terms_said
from interviewer.offline.text import split_sentences, stems
from interviewer.red_flag_caps import apply_red_flags
from interviewer.scoring import AnswerGrade, CriterionGrade

GRADER = "offline"
INJECTION_FLAG = "instructions-to-grader"
OFF_TOPIC_FLAG = "off-topic"
KEYWORD_FLAG = "keyword-list"
SHALLOW_FLAG = "generic"
RED_FLAG = "red-flag"
THIN_FLAG = "thin"

MAX_EVIDENCE = 3
SOLID_SUBSTANCE = 0.5  # a sentence this substantive can stand as evidence on its own
# (coverage below, overall ceiling): how far an answer that covers little of the outline can go
OUTLINE_CEILINGS = ((0.25, 1.5),)
ESSAY_CEILING = 1.5  # an essay in which nobody acts on the scenario (off_topic.py)
# ...but an answer that covers this share of the strong-answer outline does the ask, whatever
# its voice: a design written as a spec in the third person ("Streaming is opt-in: ... The
# stream carries typed events ...") names no actor, yet an essay beside the question never
# covers this much (over the nineteen blind sets: 264 essays, highest 0.38, 95th percentile 0.28)
OUTLINE_ANSWERED = 0.45
# ...unless the answer both acts on the scenario (mean engagement at least this) and explains
# this many of the topic's own concepts: a real answer in the candidate's own words (a story,
# a plain rewrite) shares few words with the outline, an essay beside the question does neither
OWN_WORDS_ENGAGED = 0.55
OWN_WORDS_CONCEPTS = 3
# ...or acts on the question in this many sentences (engagement times relevance, summed): a
# long answer in the candidate's own words, such as a story told in full, is an answer
# however few of the outline's or the concept lists' words it uses
OWN_WORDS_ACTING = 8.0
# mean engagement of an answer that acts on the scenario in most sentences (honest
# answers' median on the blind sets is 0.75; essay padding pulls a real answer under 0.7)
ACTS_THROUGHOUT = 0.75
ACTING = 0.5  # a sentence engaged this much is the candidate acting (engagement.py)
# An answer held under an overall ceiling (outline, essay, red flag) reaches the ceiling once
# this share of its sentences, on average, acts on the scenario (engagement.py); one that
# mostly describes the world sits nearer 1. Fitted on the five older blind sets, leave one set out
# (calibration/README.md): held answers labelled 1 and 2 no longer tie at the ceiling.
CEILING_ACTING = 0.5
DESCRIBED_NOTE = ("It is held lower still because most of it describes the subject rather than "
                  "saying what you would do: propose, decide or measure something for this "
                  "scenario.")
EXCLUDE_QUESTION = False
ECHOED = 0.4  # an outline point whose words the answer uses this much counts as covered
# relevance = share of the answer's sentences covered by a run of sentences on the question
# (sentences only partly covered already earn proportionally less credit)
OFF_TOPIC_RELEVANCE = 0.49  # below: most of the answer is about something else, capped at 1
PARTLY_RELEVANT = 0.56  # below: much of it is, capped at 2
KEYWORD_PROSE_SHARE = 0.5
STORY = "story"
MIN_NARRATED = 2  # first-person past-tense clauses a story needs to count as one
THIN_WORDS = 60  # an answer shorter than this cannot show a hire-level criterion, so it caps at 2
THIN_AND_NOTHING = ("It stays at 1: the answer is short and names nothing this criterion "
                    "looks for; say what you would build or decide, and why.")
GENERIC = 0.5  # above this generic score (hedged sentences + abstract words) the answer is shallow
# The work budget: an answer's sentences past this many are not read. A 20,000-character
# answer in prose has about 200; only pasted lists or one word a line reach it, and without
# it such an answer, re-read with each follow-up, held a worker for seconds.
MAX_SENTENCES = 400
SENIOR = level_bar(REFERENCE)


def off_topic(reading: Reading) -> bool:
    """Mostly about another subject: few sentences belong to a run about the question."""
    return reading.relevance < OFF_TOPIC_RELEVANCE or not reading.sentences


def narrated(reading: Reading) -> bool:
    """Told as something that happened to the candidate, not as what they would do: in full
    sentences ("I led", "we shipped") or in a bullet story's lines, which open on the verb
    ("- ran 6 calls with users", "my part: comms lead; wrote the review")."""
    text = " ".join(s.sentence.text for s in reading.sentences)
    told = len(NARRATED.findall(text)) + sum(len(NARRATED_LINE.findall(s.sentence.text))
                                             for s in reading.sentences)
    return told >= MIN_NARRATED and told >= len(HYPOTHETICAL.findall(text))


def thin(reading: Reading) -> bool:
    """A line or two: too little said to be a hire on anything."""
    return sum(s.n_words for s in reading.sentences) < THIN_WORDS


def _cap(crit: CompiledCriterion, reading: Reading, topic_best: int,
         named: bool = True) -> tuple[int, str]:
    """The highest score the answer as a whole allows for this criterion, and why. `named`:
    the answer names something this criterion looks for (or says the move in a line)."""
    if off_topic(reading):
        return 1, "It stays at 1: most of the answer is about something other than the question."
    if crit.id == STORY and not narrated(reading):
        return 1, ("It stays at 1: this says what you would do, not what you did; tell one "
                   "real time, in the first person.")
    if not named and kind_of(crit) == "topic" and thin(reading):
        return 1, THIN_AND_NOTHING
    if reading.relevance < PARTLY_RELEVANT:
        return 2, "It stays at 2: much of the answer is about something other than the question."
    if thin(reading):
        return 2, ("It stays at 2: the answer is too short to show this at hire level; take "
                   "a minute more and explain how and why.")
    if reading.prose_share < KEYWORD_PROSE_SHARE:
        return 2, ("It stays at 2: terms are listed rather than explained; say what each does "
                   "and why.")
    if reading.generic > GENERIC:
        return 2, ("It stays at 2: the answer stays general; name a concrete mechanism, number "
                   "or decision.")
    if kind_of(crit) != "topic" and topic_best < 4:
        return topic_best + 1, ("It stays close to the topic criteria: good organisation cannot "
                                "lift thin content.")
    return 4, ""


def _evidence(t: Tally, reading: Reading) -> list[str]:
    """Up to three supporting sentences, full sentences first, quoted in answer order."""
    sentences = reading.sentences
    support = {i: w for i, w in t.support.items() if sentences[i].quality >= 0.6} or dict(t.support)
    if len(support) < MAX_EVIDENCE:
        ranked = sorted(range(len(sentences)), key=lambda i: -sentences[i].substance)
        for i in ranked[:MAX_EVIDENCE - len(support)]:
            if sentences[i].substance >= SOLID_SUBSTANCE:
                support.setdefault(i, 0.0)
    best = sorted(support, key=lambda i: -support[i])[:MAX_EVIDENCE]
    return [sentences[i].sentence.text for i in sorted(best)]


def _grade_criterion(ci: int, crit: CompiledCriterion, reading: Reading, blocks: int,
                     topic_best: int = 4, bar: LevelBar = SENIOR,
                     floor: int = 1, named: float = 0.0) -> CriterionGrade:
    """`floor`: the level the answer reached another way (criteria.said_in_a_line); `named`:
    the share of the rubric's topic criteria the answer names (criteria.named_share)."""
    t = tally(ci, crit, reading, blocks)
    if floor > 1:
        t.notes.append(LINE_NOTE)
    evidence = _evidence(t, reading)
    raw = raw_score(crit, t, reading, named)
    earned = max(level(crit, raw, len(evidence), bar.bar), floor)
    cap, why = _cap(crit, reading, topic_best, named=bool(t.credits) or floor > 1)
    score = min(earned, cap)
    held = why if cap <= earned and cap < 4 else ""  # the cap decides, whatever the fit says
    if not held and min(max(level(crit, raw, len(evidence)), floor), cap) != score:
        held = bar.note  # the target level, not the answer, moved this score
    missing = missing_concepts(ci, crit, t, reading)
    return CriterionGrade(
        id=crit.id, name=crit.name, score=score, weight=crit.weight,
        evidence=evidence if score > 1 or t.credits else [],
        feedback=coach(crit, t, score, missing, held),
        missing=", ".join(missing), tip=tip_for(crit, score, missing))


def _empty(request: GradeRequest) -> AnswerGrade:
    criteria = [CriterionGrade(id=c.id, name=c.name, score=1, weight=c.weight,
                               feedback="Nothing was said in the answer, so nothing could earn "
                                        "credit.",
                               missing=", ".join(k.name for k in c.concepts), tip=c.tip)
                for c in request.rubric.criteria]
    return AnswerGrade(question_id=request.question_id, criteria=criteria, grader=GRADER,
                       missed=list(request.strong_answer), notes=["The answer was empty."])


def _concepts_in(text: str, rubric: CompiledRubric) -> set[tuple[int, int]]:
    where = positions(stems(text))
    return {(ci, k) for ci, c in enumerate(rubric.criteria) if not c.shared
            for k, concept in enumerate(c.concepts) if concept_in(concept, where)}


def _meaningful(text: str) -> set[str]:
    """The stems that say what a text is about: no function or generic words."""
    return {s for s in content_stems(text) if len(s) > 2 and s not in GENERIC_STEMS}


def _said(reading: Reading) -> str:
    """The answer as graded: without the sentences addressed to the grader."""
    return " ".join(s.sentence.text for s in reading.sentences)


def _said_stems(reading: Reading) -> set[str]:
    """What the answer says, as meaningful stems, with the terms its everyday expressions
    stand for (synonyms.yaml): an outline written in a PM's words is covered by a candidate
    who says the same thing plainly, and "Missing" does not list it."""
    text = _said(reading)
    named = {s for s in terms_said(text, synonym_table())
             if len(s) > 2 and s not in GENERIC_STEMS and s not in FUNCTION_WORDS}
    return _meaningful(text) | named


def outline_coverage(request: GradeRequest, said: set[str]) -> float | None:
    """The share of the strong-answer outline's meaningful words the answer uses (`said`, its
    _said_stems), leaving out the words the question itself gives away; None when there is no
    outline."""
    if not request.strong_answer:
        return None
    outline = set().union(*(_meaningful(p) for p in request.strong_answer))
    outline -= _meaningful(request.question_text) if EXCLUDE_QUESTION else set()
    if not outline:
        return None
    return len(said & outline) / len(outline)


def answers_outline(cov: float | None) -> bool:
    """The answer covers so much of the strong-answer outline (`cov`, its outline_coverage;
    OUTLINE_ANSWERED) that it does what the question asks, even where nobody in it speaks as
    the one acting."""
    return cov is not None and cov >= OUTLINE_ANSWERED


def in_own_words(rubric: CompiledRubric, reading: Reading) -> bool:
    """The candidate acts on the scenario throughout, does what the question asks (a plan, or
    a story where it asks for one) and explains several of the topic's concepts: an answer,
    however few of the outline's words it uses."""
    sentences = reading.sentences
    if not sentences or not does_the_ask(rubric, reading):
        return False
    engaged = sum(s.engaged for s in sentences) / len(sentences)
    concepts = {(ci, k) for s in sentences for ci, c in enumerate(rubric.criteria)
                if not c.shared for k in s.hard[ci]}
    acting = sum(s.engaged * s.relevance for s in sentences)
    return engaged >= OWN_WORDS_ENGAGED and (len(concepts) >= OWN_WORDS_CONCEPTS
                                             or acting >= OWN_WORDS_ACTING)


def _relevance_band(reading: Reading) -> int:
    """0 off the question, 1 partly on it, 2 on it: the cap relevance sets."""
    return sum(reading.relevance >= cut for cut in (OFF_TOPIC_RELEVANCE, PARTLY_RELEVANT))


def _own_words_on_topic(reading: Reading, rubric: CompiledRubric) -> Reading:
    """An answer in the candidate's own words (it acts on the scenario, does what the question
    asks and explains several of the topic's concepts) is on the question in every sentence
    in which the candidate acts on something of the question, the topic or platform work,
    however few of the question's own nouns it uses: a story's set-up ("at my last job I
    looked after the payments API") leans towards the question, so a plain retelling earns
    the depth and relevance its jargon twin does. Other sentences keep their reading, so an
    essay padding a strong answer, or a memoir of leadership in the first person, still
    counts against it. One that acts in most sentences is at worst partly relevant (held to
    2), never off-topic."""
    if not in_own_words(rubric, reading):
        return reading
    sentences = tuple(replace(s, relevance=max(s.relevance, LEANING))
                      if s.engaged >= ACTING and s.names_subject else s
                      for s in reading.sentences)
    relevance = answer_relevance(sentences)
    if sum(s.engaged for s in sentences) / len(sentences) >= ACTS_THROUGHOUT:
        relevance = max(relevance, OFF_TOPIC_RELEVANCE)
    return replace(reading, sentences=sentences, relevance=relevance)


def outline_ceiling(cov: float | None, reading: Reading,
                    rubric: CompiledRubric | None = None) -> float | None:
    """A fluent answer that covers little of what a strong answer covers (`cov`, its
    outline_coverage) is not a hire: an essay beside the question, a confident wrong design, a
    list of generalities."""
    if cov is None or (rubric is not None and in_own_words(rubric, reading)):
        return None
    for below, ceiling in OUTLINE_CEILINGS:
        if cov < below:
            return ceiling
    return None


def under_ceiling(ceiling: float, reading: Reading) -> float:
    """Where an answer held at `ceiling` sits: at the ceiling when the candidate acts on the
    scenario (proposes, decides, measures) in most of it, lower the more it only describes,
    down to 1 for an answer in which nobody acts."""
    sentences = reading.sentences
    if ceiling <= 1 or not sentences:
        return min(ceiling, 1.0)
    acting = sum(s.engaged for s in sentences) / len(sentences)
    return min(ceiling, round(1 + (ceiling - 1) * min(1.0, acting / CEILING_ACTING), 2))


def _strong_points_missed(request: GradeRequest, rubric: CompiledRubric,
                          reading: Reading, said: set[str]) -> list[str]:
    """Outline points the answer neither names by concept nor echoes in its own words."""
    covered = {(ci, k) for s in reading.usable for ci in range(len(rubric.criteria))
               for k in s.hard[ci] | s.near[ci]}
    missed = []
    for point in request.strong_answer:
        point_stems = _meaningful(point)
        named = _concepts_in(point, rubric)
        echoed = not point_stems or len(point_stems & said) / len(point_stems) >= ECHOED
        if not echoed and not (named and named <= covered):
            missed.append(point)
    return missed


def _missed(request: GradeRequest, rubric: CompiledRubric, reading: Reading,
            grades: list[CriterionGrade], said: set[str]) -> list[str]:
    """Strong-answer outline points the answer did not cover, and none its evidence shows."""
    shown = _meaningful(" ".join(q for g in grades for q in g.evidence))
    out = []
    for point in _strong_points_missed(request, rubric, reading, said):
        point_stems = _meaningful(point)
        if point_stems and len(point_stems & shown) / len(point_stems) >= ECHOED:
            continue
        out.append(point)
    return out


def _flags_and_notes(reading: Reading) -> tuple[list[str], list[str]]:
    flags, notes = [], []
    if reading.injected:
        flags.append(INJECTION_FLAG)
        notes.append(f"Ignored {len(reading.injected)} sentence(s) addressed to the grader "
                     "instead of answering the question; they earned no credit.")
    if not reading.sentences:
        notes.append("Nothing that answers the question remained to grade.")
    elif off_topic(reading):
        flags.append(OFF_TOPIC_FLAG)
        notes.append("Most of the answer is not about the question asked.")
    elif reading.relevance < PARTLY_RELEVANT:
        notes.append("Much of the answer is not about the question asked; only the part that "
                     "is earned credit.")
    elif thin(reading):
        flags.append(THIN_FLAG)
        notes.append("The answer is a line or two; a hire-level answer explains how and why.")
    elif reading.prose_share < KEYWORD_PROSE_SHARE:
        flags.append(KEYWORD_FLAG)
        notes.append("The answer lists terms without explaining them in sentences.")
    elif reading.generic > GENERIC:
        flags.append(SHALLOW_FLAG)
        notes.append("The answer speaks in general principles; name concrete mechanisms, "
                     "numbers and decisions.")
    return flags, notes


def _blocks(answer: str, reading: Reading) -> int:
    """How many paragraphs or list items the kept sentences are laid out in."""
    breaks = [i for i, ch in enumerate(answer) if ch == "\n"]
    return len({bisect_left(breaks, s.sentence.start) for s in reading.sentences})


def _within_budget(request: GradeRequest) -> tuple[str, int]:
    """The answers as they are graded, each cut after MAX_SENTENCES sentences, and how many
    were cut."""
    parts, cut = [], 0
    for exchange in request.exchanges:
        sentences = split_sentences(exchange.answer)
        if len(sentences) > MAX_SENTENCES:
            last = sentences[MAX_SENTENCES - 1]
            parts.append(exchange.answer[:last.start + len(last.text)])
            cut += 1
        else:
            parts.append(exchange.answer)
    return "\n\n".join(parts), cut


@dataclass(frozen=True, slots=True)
class AnswerReading:
    """One question's answers as the grader reads them: the text within the work budget (and
    how many answers were cut), the compiled rubric, the sentence reading before and after
    the own-words pass, and the answer's layout in blocks."""

    answer: str
    cut: int
    rubric: CompiledRubric
    as_read: Reading
    reading: Reading
    blocks: int


def read_request(request: GradeRequest) -> AnswerReading:
    """Read a request's answers the way grade_answer grades them; refit.py reads through here
    too, so the fit learns from exactly the signals the grader uses."""
    answer, cut = _within_budget(request)
    rubric = compiled(request.rubric)
    as_read = read_answer(answer, rubric, question_stems(request.question_text,
                                                         request.strong_answer))
    reading = _own_words_on_topic(as_read, rubric)
    return AnswerReading(answer, cut, rubric, as_read, reading, _blocks(answer, reading))


def criterion_signals(read: AnswerReading) -> dict[str, tuple[str, fitted.Signals, bool]]:
    """Per criterion id: its kind, the signals the fitted layer turns into a level, and
    whether no answer-wide cap (off-topic, thin, keyword list, generic, organisation above
    the topic) holds it below 4; the fit learns only from criteria nothing holds."""
    out = {}
    named = named_share(read.rubric.criteria, read.reading)
    for ci, crit in enumerate(read.rubric.criteria):
        t = tally(ci, crit, read.reading, read.blocks)
        out[crit.id] = (kind_of(crit), raw_score(crit, t, read.reading, named),
                        _cap(crit, read.reading, 4, named=bool(t.credits))[0] == 4)
    return out


def grade_answer(request: GradeRequest, read: AnswerReading | None = None) -> AnswerGrade:
    """Grade one question's answers against its rubric, offline and deterministically.
    `read` is the request as `read_request` already read it, for a caller that needs both
    (refit.py), so the answers are not read twice."""
    read = read or read_request(request)
    if not read.answer.strip():
        return _empty(request)
    answer, cut, rubric, reading, blocks = (read.answer, read.cut, read.rubric, read.reading,
                                            read.blocks)
    bar = level_bar(request.level)
    topic = [ci for ci, c in enumerate(rubric.criteria) if kind_of(c) == "topic" and not c.shared]
    line = said_in_a_line(reading, topic) if thin(reading) and not off_topic(reading) else None
    named = named_share(rubric.criteria, reading)
    own = {ci: _grade_criterion(ci, rubric.criteria[ci], reading, blocks, bar=bar,
                                floor=LINE_LEVEL if ci == line else 1, named=named)
           for ci in topic}
    topic_best = max((g.score for g in own.values()), default=4)
    grades = [own.get(ci) or _grade_criterion(ci, c, reading, blocks, topic_best, bar,
                                              named=named)
              for ci, c in enumerate(rubric.criteria)]
    topic_ids = {c.id for c in rubric.criteria if not c.shared}
    hits = find_red_flags(request.rubric.red_flags, reading)
    grades, overall_cap = apply_red_flags(grades, hits, topic_ids)
    said = _said_stems(reading)  # once: the outline ceiling and "Missing" both read it
    cov = outline_coverage(request, said)  # once: the ceiling and the essay test both read it
    ceiling = outline_ceiling(cov, reading, rubric)
    essay = proposes_nothing(answer, reading) and not answers_outline(cov)
    if essay:
        ceiling = min(ceiling or ESSAY_CEILING, ESSAY_CEILING)
    if ceiling is not None:
        overall_cap = ceiling if overall_cap is None else min(overall_cap, ceiling)
    described = False
    if overall_cap is not None:
        held = under_ceiling(overall_cap, reading)
        described, overall_cap = held < overall_cap, held
    flags, notes = _flags_and_notes(reading)
    if described:
        notes.append(DESCRIBED_NOTE)
    if essay and OFF_TOPIC_FLAG not in flags:
        flags.append(OFF_TOPIC_FLAG)
        notes.append("It describes the subject instead of answering the question: nothing in "
                     "it proposes, decides or measures what the question asks for.")
    if cut:
        notes.append(f"Only the first {MAX_SENTENCES} sentences of an answer are graded; "
                     "the rest of a longer one earned no credit.")
    if hits:
        flags.append(RED_FLAG)
    unsure = uncertainty(request.answer, reading, grades, topic_ids, hits,
                         (OFF_TOPIC_RELEVANCE, PARTLY_RELEVANT))
    if _relevance_band(reading) != _relevance_band(read.as_read):
        unsure.append(PLAIN_WORDS_DOUBT)
    if reading.sentences and not does_the_ask(rubric, reading):
        if ceiling is None:
            unsure.append(RECOLLECTION_DOUBT)
        else:
            notes.append(RECOLLECTION_HELD)
    return AnswerGrade(question_id=request.question_id, criteria=grades, grader=GRADER,
                       missed=_missed(request, rubric, reading, grades, said), flags=flags,
                       notes=notes, red_flags=hits, overall_cap=overall_cap, uncertain=unsure)
