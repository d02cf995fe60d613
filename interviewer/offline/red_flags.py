"""Red flags the offline grader finds: a rubric's (or question's) cue said in a sentence that
proposes it, not one that warns against it. The hit names the sentence, the capped criterion
and why the mistake hurts the platform's users."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from interviewer.library import FRAME_ALTERNATIVE, FRAME_JOIN, TOPIC_CRITERIA, RedFlag
from interviewer.offline.analysis import Analysed, Reading
from interviewer.offline.engagement import imperative, voiced
from interviewer.offline.lexicon import (
    ARTICLES,
    CONDITION,
    CONTRAST,
    DECISION,
    DETERMINERS,
    DIAGNOSIS,
    HYPOTHETICAL_SUBJECTS,
    LEXICON,
    NEGATING_WORDS,
    NOT_GERUNDS,
    OWN_SUBJECTS,
    RELATIVE_WORDS,
    REPORTING_VERBS,
    SAFEGUARD_WORDS,
    WARNING_WORDS,
    words_pattern,
)
from interviewer.offline.matching import Phrase
from interviewer.offline.text import stem, words
from interviewer.scoring import CriterionGrade, RedFlagHit

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
_CLAUSE_BREAK = re.compile(r"[,;:\u2013\u2014]|\s-\s")
_QUOTE_MARKS = re.compile(r'["\u201c\u201d]')
# a cue inside quotation marks this short is the name of an option ("log everything")
QUOTED_NAME_WORDS = 5
_PLAN_MODAL = words_pattern(LEXICON.engagement.plan)  # "would", "will", "'d", "should" ...
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


def _warns(where: dict[str, list[int]], span: tuple[int, int], cue_words: frozenset[str],
           phrase: Phrase) -> bool:
    """A warning word stands near the cue: "we would never log the password", "paging on
    every deploy, which was miserable". One far away in a long sentence says nothing of it,
    and a negation after the cue negates something else ("so merchants never need to"); one
    inside it that is not one of the cue's own words rejects it ("the changelog note isn't
    enough"), as a negation inside a frame's clause does (`_frame_warned`)."""
    cue = {stem(w) for w in cue_words}
    lo, hi = span[0] - WARNING_REACH, span[1] + WARNING_REACH
    judged = any(lo <= p <= hi for st in _WARNING_STEMS - cue for p in where.get(st, ()))
    before = any(lo <= p < span[0] for st in _NEGATING_STEMS - cue for p in where.get(st, ()))
    own = _chain(phrase, where, span[0])
    return judged or before or any(p in range(*span) and p not in own
                                   for p in _positions_of(where, _NEGATING_STEMS))


def _chain(phrase: Phrase, where: dict[str, list[int]], start: int) -> set[int]:
    """The positions of the cue's own words when it matched from `start` (as `_span` reads)."""
    pos, out = start, {start}
    for st in phrase.stems[1:]:
        pos = next((p for p in where.get(st, ()) if p > pos), pos)
        out.add(pos)
    return out


def _negated(position: int, negations: set[int], articles: set[int]) -> bool:
    """A word of harm that is itself denied, right before it or before its article ("so the
    pipeline never breaks", "no temptation to go back", "not a problem"), judges nothing: it
    is the candidate's reason for the plan."""
    return position - 1 in negations or (position - 1 in articles and position - 2 in negations)


def _positions_of(where: dict[str, list[int]], stems: frozenset[str]) -> set[int]:
    return {p for st in stems for p in where.get(st, ())}


def _judged(sentence_words: list[str], span: tuple[int, int]) -> bool:
    """The cue is the subject of a sentence opening with a gerund, put up to be judged
    ("Promising exactly once delivery is something we can't keep"), not a plan adopted."""
    if span[0] > OPENING_REACH or not sentence_words:
        return False
    first = sentence_words[1] if sentence_words[0].endswith("ly") and len(sentence_words) > 1 \
        else sentence_words[0]
    return first.endswith("ing") and first not in NOT_GERUNDS


def _described(sentence_words: list[str], span: tuple[int, int]) -> bool:
    """The cue is in a relative clause of the thing the sentence opens with, described to be
    judged ("A personal token that never expires and can delete projects is fit for no
    automated job"), not a plan: the sentence opens with a determiner, and "that" or "which"
    stands before the cue, near the start."""
    if span[0] > OPENING_REACH or not sentence_words or sentence_words[0] not in DETERMINERS:
        return False
    return any(w in RELATIVE_WORDS for w in sentence_words[1:span[0]])


def _conditional(text: str, span: tuple[int, int]) -> bool:
    """The cue is the condition of its clause, after an "if", "unless" or "once" with no "I"
    or "we" acting between it and the cue but as the condition's subject ("the check fails
    the build if a field is added without a privacy review", "if we ever ship without a
    review, ...", "once the old vectors are gone there is no way back"; "once the rating
    recovers we keep the default alias" is a plan), or what a condition opening the clause
    before leaves anyone it hits with ("Once the old index is deleted, any team whose results
    drop has no way back"): a risk weighed, not a plan. A consequence said of the system
    ("if the auth service times out, services fail open") is a design rule, so it is one."""
    clauses = _clauses(text)
    k, at = _locate(clauses, span[0])
    if k < 0:
        return False
    clause, _ = clauses[k]
    said = words(clause)
    for m in CONDITION.finditer(clause):
        begin = _words_before(clause, m.start())
        # "if we ever ship ..." is the condition's own subject; a later "we" opens the plan
        if begin < at and not OWN_SUBJECTS & set(said[begin + 2:at]):
            return True
    if k == 0 or voiced(clause) or imperative(clause) or _PLAN_MODAL.search(clause):
        return False
    condition = clauses[k - 1][0].strip()
    return (CONDITION.match(condition) is not None and not voiced(condition)
            and bool(said) and said[0] in HYPOTHETICAL_SUBJECTS)


def _weighed(text: str, span: tuple[int, int]) -> bool:
    """The cue names an option laid out with its cost, as one of several: the sentence is a
    label, a colon and a verdict that holds a contrast ("90 days for everyone: fixes the
    annoyance, but a stolen login works for three months"), and the cue is in the label. A
    label in the candidate's voice or one that opens with a verb ("We extend every session to
    90 days: ...") is a plan, and so is a sentence that commits ("I'd go with it")."""
    label, colon, verdict = text.partition(":")
    if not colon or span[1] >= len(words(label)):
        return False
    plan = voiced(label) or imperative(label) or DECISION.search(text)
    return not plan and bool(CONTRAST.search(verdict))


def _diagnosed(text: str, span: tuple[int, int]) -> bool:
    """The cue names a problem the candidate found, not a plan: before it the sentence says
    what the problem or its cause is ("the bigger issue is the keys themselves, they never
    expire", "why it happened: key never expire"), and nothing in between is a plan in the
    candidate's voice ("the problem is churn, so we'd make tokens never expire" is one)."""
    said = words(text)
    for m in DIAGNOSIS.finditer(text):
        end = _words_before(text, m.end())
        between = " ".join(said[end:span[0]])
        if end <= span[0] and not (voiced(between) or DECISION.search(between)
                                   or _PLAN_MODAL.search(text[m.end():_char_at(text, span[0])])):
            return True
    return False


def _quoted(text: str, span: tuple[int, int]) -> bool:
    """The cue is the short name of an option in quotation marks ('which is what "log
    everything" would spray into shared logs'): spoken of, not adopted, unless the sentence
    commits to it ('I'd "log everything" for a week')."""
    seen = 0
    for i, part in enumerate(_QUOTE_MARKS.split(text)):
        n = len(words(part))
        closed = i % 2 == 1 and i < len(_QUOTE_MARKS.findall(text))
        if closed and seen <= span[0] and span[1] < seen + n <= seen + QUOTED_NAME_WORDS:
            return not DECISION.search(text)
        seen += n
    return False


def _reported(text: str, span: tuple[int, int]) -> bool:
    """The cue is in what someone else said, asked for or decided, recounted ("our VP told me
    she'd announce that every team had to be on it by the end of Q3"): before it, in its
    clause, a reporting verb whose subject is not the candidate, and no "I" or "we" between.
    "I told every team they had to move by the end of the month" is the candidate's own."""
    said = words(text)
    for i in range(span[0]):
        if said[i] not in REPORTING_VERBS:
            continue
        clause, at = _clause_at(text, i)
        subject = set(clause[:at])
        in_clause = span[0] - i < len(clause) - at  # the cue is in the verb's own clause
        if subject and in_clause and not (subject | set(said[i + 1:span[0]])) & OWN_SUBJECTS:
            return True
    return False


def _clauses(text: str) -> list[tuple[str, int]]:
    """The clauses of a sentence (between , ; : and dashes), each with how many words it has."""
    return [(c, len(words(c))) for c in _CLAUSE_BREAK.split(text)]


def _locate(clauses: list[tuple[str, int]], index: int) -> tuple[int, int]:
    """Which clause holds word `index`, and where that word falls in it (-1 if none)."""
    seen = 0
    for k, (_, n) in enumerate(clauses):
        if index < seen + n:
            return k, index - seen
        seen += n
    return -1, 0


def _words_before(text: str, at: int) -> int:
    """How many words of `text` come before character `at`."""
    return len(words(text[:at]))


def _char_at(text: str, index: int) -> int:
    """Where word `index` of `text` starts (the start of the space-separated token holding it)."""
    seen = 0
    for m in re.finditer(r"\S+", text):
        seen += len(words(m.group()))
        if index < seen:
            return m.start()
    return len(text)


def _clause_at(text: str, index: int) -> tuple[list[str], int]:
    """The words of the clause (between , ; : and dashes) that holds word `index`, and where
    that word falls in it."""
    clauses = _clauses(text)
    k, at = _locate(clauses, index)
    return (words(clauses[k][0]), at) if k >= 0 else ([], 0)


def _done_by_others(text: str, span: tuple[int, int]) -> bool:
    """The cue recounts what someone else did: in its clause a subject and a past-tense verb
    come before it, and no "I/we" ("the source changed its pagination without notice"). A
    clause that opens with the verb ("deleted the cluster the next week") is the candidate's
    own note."""
    clause, at = _clause_at(text, span[0])
    if not clause or voiced(" ".join(clause)):
        return False
    return any(w.endswith("ed") and len(w) > 3 for w in clause[1:at])


def _frame_span(frame: tuple[tuple[Phrase, ...], ...],
                where: dict[str, list[int]]) -> tuple[tuple[int, int], set[int]] | None:
    """Where a frame matched (first and last word) and the positions of its words, if every
    part matched as one of its alternatives."""
    found: set[int] = set()
    for part in frame:
        spans = [sp for p in part if (sp := _span(p, where)) is not None]
        if not spans:
            return None
        found.update(range(spans[0][0], spans[0][1] + 1))
    return (min(found), max(found)), found


def _frame_warned(text: str, where: dict[str, list[int]], span: tuple[int, int],
                  found: set[int]) -> bool:
    """A frame is spread over a sentence, so a word that negates it must be in the clause
    where it starts ("to avoid half-migrations, I had the old jobs deleted on day one" makes
    the mistake); a word that judges it may stand anywhere near, as for a cue, unless it is
    itself negated ("so there was no temptation to bring it back" judges nothing); and a
    safeguard anywhere in the sentence ("with passwords masked", "the old fleet kept as a
    fallback") takes the harm out of it, unless it is denied ("with no fallback", "without
    notice")."""
    _, at = _clause_at(text, span[0])
    clause_start = span[0] - at
    negations, articles = _positions_of(where, _NEGATING_STEMS), _positions_of(where, _ARTICLES)
    lo, hi = span[0] - WARNING_REACH, span[1] + WARNING_REACH
    judged = any(lo <= p <= hi and p not in found and not _negated(p, negations, articles)
                 for st in _WARNING_STEMS for p in where.get(st, ()))
    denied = any(clause_start <= p < span[1] and p not in found for p in negations)
    refused = negations | _positions_of(where, _WITHOUT)
    made_safe = any(not _negated(p, refused, articles)
                    for p in _positions_of(where, _SAFEGUARD_STEMS))
    return judged or denied or made_safe


def _set_aside(text: str, span: tuple[int, int]) -> bool:
    """What matched at `span` is not the candidate's plan, however the match was made (a
    plain cue or a frame): a gerund subject put up to be judged, a thing the sentence opens by
    describing, the condition of its clause or what follows from one, an option weighed with
    its cost, what someone else did or said, a problem found, or an option named in quotes.
    Cues and frames are read by this one function, so a reading added here holds for both."""
    said = words(text)
    return (_judged(said, span) or _described(said, span) or _conditional(text, span)
            or _weighed(text, span) or _done_by_others(text, span) or _diagnosed(text, span)
            or _quoted(text, span) or _reported(text, span))


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
        span, found = matched
        if not (_frame_warned(text, s.where, span, found) or _set_aside(text, span)):
            return True
    return False


def _raised(flag: RedFlag, reading: Reading) -> str | None:
    """The first sentence that proposes what the flag describes, if any."""
    cues = _cues(tuple(flag.cues))
    for s in reading.sentences:
        for phrase, cue_words in cues:
            span = _span(phrase, s.where)
            if span is not None and not (_warns(s.where, span, cue_words, phrase)
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
