"""Red flags the offline grader finds: a rubric's (or question's) cue said in a sentence that
proposes it, not one that warns against it. The hit names the sentence, the capped criterion
and why the mistake hurts the platform's users."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from itertools import product

from interviewer.library import FRAME_ALTERNATIVE, FRAME_JOIN, TOPIC_CRITERIA, RedFlag
from interviewer.offline.analysis import Analysed, Reading, without_speech_fillers
from interviewer.offline.engagement import imperative, voiced
from interviewer.offline.lexicon import (
    ARTICLES,
    CONDITIONAL_WORDS,
    CONTRAST,
    COUNTERFACTUAL,
    DECISION,
    DETERMINERS,
    NEGATING_WORDS,
    NOT_GERUNDS,
    RELATIVE_WORDS,
    SAFEGUARD_WORDS,
    SPOKEN_OPENER_WORDS,
    WARNING_WORDS,
)
from interviewer.offline.matching import Phrase
from interviewer.offline.text import stem, words
from interviewer.scoring import CriterionGrade, RedFlagHit
from interviewer.speech.delivery import load_rules, without_fillers

# an answer that raises a red flag is at most this much above the flag's cap overall: the
# mistake sinks the answer, however fluent the rest of it is
OVERALL_ABOVE_CAP = -0.5
CUE_SLACK = 1  # an extra word a cue may be spread over ("change what the amount field means")
# a warning word this many words before or after a cue (a negating word: before it) turns it
# into a warning against it
WARNING_REACH = 8
_WARNING_STEMS = frozenset(stem(w) for w in WARNING_WORDS)
_NEGATING_STEMS = frozenset(stem(w) for w in NEGATING_WORDS)
_ARTICLES = frozenset(stem(w) for w in ARTICLES)
_SAFEGUARD_STEMS = frozenset(stem(w) for w in SAFEGUARD_WORDS)
_WITHOUT = frozenset({stem("without")})  # denies a safeguard ("without notice")
# a cue starting within this many words of a sentence that opens with a gerund ("Turning off
# the revocation check would ...") belongs to its subject: the mistake put up to be judged
OPENING_REACH = 6
# a stretch between commas this short is an aside of the clause before it (", in place,"), not
# a clause of its own, when telling whether a frame's act and its other parts belong together
ASIDE = 3
_CLAUSE_BREAK = re.compile(r"[,;:\u2013\u2014]|\s-\s")
Options = tuple[tuple[tuple[int, int], ...], ...]  # where each part of a frame matched
# A frame (library.FRAME_JOIN) is a cue in parts: every part must be in the sentence, in any
# order, each as any of its alternatives; see _frames


def _phrase(cue: str) -> Phrase | None:
    """One cue (or one alternative of a frame) as the stems it needs, articles left out."""
    ws = words(cue)
    kept = tuple(dict.fromkeys(stem(w) for w in ws if w not in ARTICLES))
    return Phrase(kept, len(ws) + CUE_SLACK, pinned=True) if kept else None


@lru_cache(maxsize=512)
def _cues(cues: tuple[str, ...]) -> tuple[tuple[Phrase, frozenset[str]], ...]:
    """Each plain cue compiled for matching, with the words it uses (a cue may say "no"
    itself). Frames (cues with " + ") are compiled by `_frames`.

    Unlike concept phrases, a cue keeps its small words: "without a new version" must not
    match a sentence that ships "a new version"."""
    out = []
    for cue in cues:
        phrase = None if FRAME_JOIN in cue else _phrase(cue)
        if phrase is not None:
            out.append((phrase, frozenset(words(cue))))
    return tuple(out)


@lru_cache(maxsize=512)
def _frames(cues: tuple[str, ...]) -> tuple[tuple[tuple[Phrase, ...], ...], ...]:
    """The frames among a flag's cues: "delete | remove + old | existing + on day one | the
    same day" is a harmful plan said as an act, what it acts on and how firmly, in any
    words order and any of the alternatives each part allows."""
    out = []
    for cue in cues:
        if FRAME_JOIN not in cue:
            continue
        groups = tuple(tuple(p for alt in part.split(FRAME_ALTERNATIVE)
                             if (p := _phrase(alt)) is not None)
                       for part in cue.split(FRAME_JOIN))
        if groups and all(groups):
            out.append(groups)
    return tuple(out)


def _span(phrase: Phrase, where: dict[str, list[int]]) -> tuple[int, int] | None:
    """Where in the sentence the cue matched (first and last word), if it did.

    A cue's words must come in its own order: "without notice" is a change nobody was told
    about, "notice without approval" is a safeguard that happens to use the same words."""
    if any(s not in where for s in phrase.stems):
        return None
    for start in where[phrase.stems[0]]:
        pos = start
        for st in phrase.stems[1:]:
            later = [p for p in where[st] if p > pos]
            if not later:
                return None  # no later occurrence now, so none from a later start either
            pos = later[0]
        if pos - start < phrase.span:
            return start, pos
    return None


def _judging_word_near(where: dict[str, list[int]], span: tuple[int, int],
                       own_stems: frozenset[str] = frozenset(),
                       own_positions: frozenset[int] = frozenset()) -> bool:
    """A word of harm stands within WARNING_REACH of the match and is not itself denied: a
    denied one ("so the pipeline never breaks", "no temptation to go back") is the
    candidate's reason for the plan, not a judgement of it. A cue's own words (`own_stems`)
    and a frame's (`own_positions`) are part of the match, not a judgement of it."""
    negations, articles = _positions_of(where, _NEGATING_STEMS), _positions_of(where, _ARTICLES)
    lo, hi = span[0] - WARNING_REACH, span[1] + WARNING_REACH
    return any(lo <= p <= hi and p not in own_positions and not _negated(p, negations, articles)
               for st in _WARNING_STEMS - own_stems for p in where.get(st, ()))


def _warns(where: dict[str, list[int]], span: tuple[int, int], cue_words: frozenset[str]) -> bool:
    """A warning word stands near the cue: "we would never log the password", "paging on
    every deploy, which was miserable". One far away in a long sentence says nothing of it,
    and a negation after the cue negates something else ("so merchants never need to")."""
    cue = frozenset(stem(w) for w in cue_words)
    return _judging_word_near(where, span, own_stems=cue) or any(
        span[0] - WARNING_REACH <= p < span[0] for st in _NEGATING_STEMS - cue
        for p in where.get(st, ()))


def _negated(position: int, negations: set[int], articles: set[int]) -> bool:
    """A word of harm that is itself denied, right before it or before its article ("so the
    pipeline never breaks", "no temptation to go back", "not a problem"), judges nothing: it
    is the candidate's reason for the plan."""
    return position - 1 in negations or (position - 1 in articles and position - 2 in negations)


def _positions_of(where: dict[str, list[int]], stems: frozenset[str]) -> set[int]:
    return {p for st in stems for p in where.get(st, ())}


def _cleaned(text: str) -> list[str]:
    """Words as the sentence's reading counts them (analysis.py): speech fillers left out."""
    return without_fillers(words(without_speech_fillers(text)), load_rules().fillers)


@lru_cache(maxsize=2048)
def _said(text: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The sentence's words, numbered as the positions a cue matched at (fillers out), and
    the clause (between , ; : and dashes) each belongs to. A stretch between two commas that
    held only fillers ("if we, um, ever ...") does not end a clause: the speaker paused, the
    sentence went on. If the clauses cannot be lined up with the words, the sentence is one
    clause."""
    whole = _cleaned(text)
    said: list[str] = []
    clause_of: list[int] = []
    clause, goes_on = -1, False
    for piece in _CLAUSE_BREAK.split(text):
        kept = _cleaned(piece)
        if not kept and words(piece):
            goes_on = clause >= 0  # only fillers: the clause goes on past them
            continue
        if not goes_on:
            clause += 1
        goes_on = False
        said += kept
        clause_of += [clause] * len(kept)
    if said != whole:
        return tuple(whole), (0,) * len(whole)
    return tuple(said), tuple(clause_of)


@lru_cache(maxsize=1)
def _openers() -> frozenset[str]:
    """Words a spoken sentence may say before it starts: openers ("okay so") and one-word
    fillers ("like", "basically"; prompts/speech/delivery.yaml)."""
    fillers = load_rules().fillers
    return SPOKEN_OPENER_WORDS | {*fillers.words, *fillers.phrases}


def _opening(sentence_words: Sequence[str]) -> int:
    """How many words a sentence says before it starts: spoken openers and fillers ("okay
    so, like, ...") and one adverb ("basically", "honestly")."""
    opener = _openers()
    n = 0
    while n < len(sentence_words) and sentence_words[n] in opener:
        n += 1
    if n < len(sentence_words) - 1 and sentence_words[n].endswith("ly"):
        n += 1
    return n


def _judged(sentence_words: Sequence[str], span: tuple[int, int]) -> bool:
    """The cue is the subject of a sentence opening with a gerund, put up to be judged
    ("Promising exactly once delivery is something we can't keep"), not a plan adopted."""
    start = _opening(sentence_words)
    opening = sentence_words[start:]
    if span[0] - start > OPENING_REACH or not opening:
        return False
    return opening[0].endswith("ing") and opening[0] not in NOT_GERUNDS


def _described(sentence_words: Sequence[str], span: tuple[int, int]) -> bool:
    """The cue is in a relative clause of the thing the sentence opens with, described to be
    judged ("A personal token that never expires and can delete projects is fit for no
    automated job"), not a plan: the sentence opens with a determiner, and "that" or "which"
    stands before the cue, near the start."""
    start = _opening(sentence_words)
    if (span[0] - start > OPENING_REACH or start >= len(sentence_words)
            or sentence_words[start] not in DETERMINERS):
        return False
    return any(w in RELATIVE_WORDS for w in sentence_words[start + 1:span[0]])


def _conditional(text: str, span: tuple[int, int]) -> bool:
    """The cue is the condition of its clause, after an "if" or "unless" ("the check fails
    the build if a field is added without a privacy review"): what happens then, not what
    the candidate plans."""
    clause, at = _clause_at(text, span[0])
    return any(w in CONDITIONAL_WORDS for w in clause[:at])


def _counterfactual(text: str, span: tuple[int, int]) -> bool:
    """The cue is what would have happened on a path not taken ("I chose this over a major
    version bump, which would have forced every team to migrate"): a consequence avoided, not
    a plan."""
    clause, at = _clause_at(text, span[0])
    return bool(COUNTERFACTUAL.search(" ".join(clause[:at + 1])))


def _weighed(text: str, span: tuple[int, int]) -> bool:
    """The cue names an option laid out with its cost, as one of several: the sentence is a
    label, a colon and a verdict that holds a contrast ("90 days for everyone: fixes the
    annoyance, but a stolen login works for three months"), and the cue is in the label. A
    label in the candidate's voice or one that opens with a verb ("We extend every session to
    90 days: ...") is a plan, and so is a sentence that commits ("I'd go with it")."""
    label, colon, verdict = text.partition(":")
    if not colon or span[1] >= len(_said(label)[0]):
        return False
    plan = voiced(label) or imperative(label) or DECISION.search(text)
    return not plan and bool(CONTRAST.search(verdict))


def _clause_at(text: str, index: int) -> tuple[list[str], int]:
    """The words of the clause that holds word `index` (numbered as `_said` numbers them),
    and where that word falls in it."""
    said, clause_of = _said(text)
    if not 0 <= index < len(said):
        return [], 0
    mine = clause_of[index]
    start = clause_of.index(mine)
    return [w for w, c in zip(said, clause_of, strict=True) if c == mine], index - start


def _done_by_others(text: str, span: tuple[int, int]) -> bool:
    """The cue recounts what someone else did: in its clause a subject and a past-tense verb
    come before it, and no "I/we" ("the source changed its pagination without notice"). A
    clause that opens with the verb ("deleted the cluster the next week") is the candidate's
    own note."""
    clause, at = _clause_at(text, span[0])
    if not clause or voiced(" ".join(clause)):
        return False
    return any(w.endswith("ed") and len(w) > 3 for w in clause[1:at])


def _frame_span(frame: tuple[tuple[Phrase, ...], ...], where: dict[str, list[int]]
                ) -> tuple[tuple[int, int], set[int], Options] | None:
    """Where a frame matched (first and last word) and the positions of its words, if every
    part matched as one of its alternatives, and every place each part matched; of the ways
    the parts can be matched, the tightest ("the same release" over "the same ... day" reaching
    into the next clause)."""
    options = []
    for part in frame:
        spans = [sp for p in part if (sp := _span(p, where)) is not None]
        if not spans:
            return None
        options.append(spans)
    best = min(product(*options), key=lambda chosen: (max(e for _, e in chosen)
                                                      - min(b for b, _ in chosen)))
    found = {i for b, e in best for i in range(b, e + 1)}
    return (min(found), max(found)), found, tuple(tuple(o) for o in options)


def _frame_warned(text: str, where: dict[str, list[int]], span: tuple[int, int],
                  found: set[int]) -> bool:
    """A frame is spread over a sentence, so a word that negates it must be in the clause
    where it starts ("to avoid half-migrations, I had the old jobs deleted on day one" makes
    the mistake); a word that judges it may stand anywhere near, as for a cue, unless it is
    itself negated ("so there was no temptation to bring it back" judges nothing); and a
    safeguard anywhere in the sentence ("with passwords masked", "the old fleet kept as a
    fallback") takes the harm out of it, unless it is denied ("with no fallback", "without
    notice") or is what the frame itself does without ("no need for + a fallback")."""
    _, at = _clause_at(text, span[0])
    clause_start = span[0] - at
    negations, articles = _positions_of(where, _NEGATING_STEMS), _positions_of(where, _ARTICLES)
    judged = _judging_word_near(where, span, own_positions=frozenset(found))
    denied = any(clause_start <= p < span[1] and p not in found for p in negations)
    refused = negations | _positions_of(where, _WITHOUT)
    made_safe = any(p not in found and not _negated(p, refused, articles)
                    for p in _positions_of(where, _SAFEGUARD_STEMS))
    return judged or denied or made_safe


def _set_aside(text: str, span: tuple[int, int]) -> bool:
    """What matched at `span` is not the candidate's plan, however the match was made (a
    plain cue or a frame): a gerund subject put up to be judged, a thing the sentence opens by
    describing, the condition of its clause, what would have happened on a path not taken, an
    option weighed with its cost, or what someone else did. Cues and frames are read by this
    one function, so a reading added here holds for both."""
    said = _said(text)[0]
    return (_judged(said, span) or _described(said, span) or _conditional(text, span)
            or _counterfactual(text, span) or _weighed(text, span)
            or _done_by_others(text, span))


def _frame_raised(flag: RedFlag, s: Analysed) -> bool:
    """The sentence is a firm plan in the candidate's voice that says one of the flag's
    frames, not a warning or anything `_set_aside` reads as no plan."""
    text = s.sentence.text
    if not (voiced(text) or imperative(text)):
        return False
    for frame in _frames(tuple(flag.cues)):
        matched = _frame_span(frame, s.where)
        if matched is None:
            continue
        span, found, options = matched
        if not (_act_apart(text, options) or _frame_warned(text, s.where, span, found)
                or _set_aside(text, span)):
            return True
    return False


def _joined_asides(clause_of: tuple[int, ...]) -> tuple[int, ...]:
    """Clause numbers with a short aside (ASIDE words or fewer: "we redefined revenue, in
    place, same column name") counted as part of the clause before it."""
    size: dict[int, int] = {}
    for c in clause_of:
        size[c] = size.get(c, 0) + 1
    joined, last = [], None
    for c in clause_of:
        if size[c] > ASIDE or last is None:
            last = c
        joined.append(last if size[c] <= ASIDE else c)
    return tuple(joined)


def _act_apart(text: str, options: Options) -> bool:
    """The frame's act (its first part) stands in a clause with none of its other parts, in
    any of the places they matched: "in the same release we add the new field and mark the
    old one deprecated, and we remove it after six months" says several things, none of them
    the harm. What the act takes may run on past a comma ("we log the whole request,
    including the password")."""
    clause_of = _joined_asides(_said(text)[1])

    def clauses(spans: tuple[tuple[int, int], ...]) -> set[int]:
        return {clause_of[i] for b, e in spans for i in range(b, e + 1) if i < len(clause_of)}

    act = clauses(options[0])
    return not any(act & clauses(spans) for spans in options[1:])


def _raised(flag: RedFlag, reading: Reading) -> str | None:
    """The first sentence that proposes what the flag describes, if any."""
    cues = _cues(tuple(flag.cues))
    for s in reading.sentences:
        for phrase, cue_words in cues:
            span = _span(phrase, s.where)
            if span is not None and not (_warns(s.where, span, cue_words)
                                         or _set_aside(s.sentence.text, span)):
                return s.sentence.text
        if _frame_raised(flag, s):
            return s.sentence.text
    return None


def find_red_flags(flags: Sequence[RedFlag], reading: Reading) -> list[RedFlagHit]:
    """Every red flag the answer raises, each with the sentence that raised it."""
    hits = []
    for flag in flags:
        quote = _raised(flag, reading)
        if quote is not None:
            hits.append(RedFlagHit(id=flag.id, name=flag.name, criterion=flag.criterion,
                                   cap=flag.cap, quote=quote, why=flag.why.strip()))
    return hits


def apply_red_flags(grades: list[CriterionGrade], hits: Sequence[RedFlagHit],
                    topic_ids: set[str]) -> tuple[list[CriterionGrade], float | None]:
    """Cap each flagged criterion (a flag on the topic caps all the topic's own) and say why;
    the overall cap the worst flag sets."""
    if not hits:
        return grades, None
    out = []
    for g in grades:
        mine = [h for h in hits if h.criterion == g.id
                or (h.criterion == TOPIC_CRITERIA and g.id in topic_ids)]
        if mine:
            cap = min(h.cap for h in mine)
            note = " ".join(f"Red flag: {h.name.lower()}. {h.why}" for h in mine)
            g = g.model_copy(update={"score": min(g.score, cap),
                                     "feedback": f"{note} {g.feedback}".strip()})
        out.append(g)
    return out, min(h.cap for h in hits) + OVERALL_ABOVE_CAP
