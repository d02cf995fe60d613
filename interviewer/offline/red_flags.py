"""Red flags the offline grader finds: a rubric's (or question's) cue said in a sentence that
proposes it, not one that warns against it. The hit names the sentence, the capped criterion
and why the mistake hurts the platform's users."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache
from itertools import product

from interviewer.library import FRAME_ALTERNATIVE, FRAME_JOIN, RedFlag
from interviewer.offline.analysis import Analysed, Reading
from interviewer.offline.engagement import imperative, voiced
from interviewer.offline.lexicon import (
    ARTICLES,
    BE_FORMS,
    COPULAS,
    COUNTS,
    CUE_KIN,
    DETERMINERS,
    EMPHATIC,
    FRAME_KIN,
    NEGATING_WORDS,
    ORDINALS,
    OWN_MESSAGE,
    POSSESSIVES,
    QUANTIFIERS,
    SAFEGUARD_WORDS,
    SINGLE,
    WARNING_WORDS,
)
from interviewer.offline.matching import Phrase
from interviewer.offline.red_flag_readings import (
    breaks_between,
    clause_at,
    fragment_of_cue,
    judged_subject,
    modal_before,
    said_words,
    set_aside,
    set_aside_as_alternative,
    tells_to_act,
    would_have_happened,
)
from interviewer.offline.text import stem, words
from interviewer.scoring import RedFlagHit

CUE_SLACK = 1  # an extra word a cue may be spread over ("change what the amount field means")
# a warning word this many words before or after a cue (a negating word: before it) turns it
# into a warning against it
WARNING_REACH = 8
_WARNING_STEMS = frozenset(stem(w) for w in WARNING_WORDS)
_NEGATING_STEMS = frozenset(stem(w) for w in NEGATING_WORDS)
_EMPHATIC = tuple(tuple(stem(w) for w in words(p)) for p in EMPHATIC)
_ARTICLES = frozenset(stem(w) for w in ARTICLES)
_COPULA_STEMS = frozenset(stem(w) for w in COPULAS)
_QUANTIFIER_STEMS = frozenset(stem(w) for w in QUANTIFIERS)
_NOUN_MARKERS = frozenset(stem(w) for w in DETERMINERS | QUANTIFIERS | POSSESSIVES)
_ORDINALS = frozenset(stem(w) for w in ORDINALS)
_WITHOUT = frozenset({stem("without")})  # denies a safeguard ("without notice")
# a stretch between commas this short is an aside of the clause before it (", in place,"), not
# a clause of its own, when telling whether a frame's act and its other parts belong together
ASIDE = 3
Options = tuple[tuple[tuple[int, int], ...], ...]  # where each part of a frame matched
# A frame (library.FRAME_JOIN) is a cue in parts: every part must be in the sentence, in any
# order, each as any of its alternatives; see _frames


def _phrase(cue: str) -> Phrase | None:
    """One cue (or one alternative of a frame) as the stems it needs, articles left out."""
    ws = words(cue)
    kept = tuple(dict.fromkeys(stem(w) for w in ws if w not in ARTICLES))
    return Phrase(kept, len(ws) + CUE_SLACK, pinned=True) if kept else None


@lru_cache(maxsize=512)
def _cues(cues: tuple[str, ...]) -> tuple[tuple[Phrase, frozenset[str], bool], ...]:
    """Each plain cue compiled for matching, with the words it uses (a cue may say "no"
    itself) and whether it opens on a count of one ("a week's notice"). Frames (cues with
    " + ") are compiled by `_frames`.

    Unlike concept phrases, a cue keeps its small words: "without a new version" must not
    match a sentence that ships "a new version"."""
    out = []
    for cue in cues:
        for variant in ([] if FRAME_JOIN in cue else _cue_kin(cue)):
            phrase = _phrase(variant)
            if phrase is not None:
                said = words(variant)
                out.append((phrase, frozenset(said), said[0] in SINGLE))
    return tuple(out)


def _counted_otherwise(text: str, span: tuple[int, int]) -> bool:
    """The answer puts a count above one right before words a cue opens with a count of one
    for: "three weeks' notice" or "12 weeks notice" is not "a week's notice"."""
    said = said_words(text)[0]
    if not 0 < span[0] <= len(said):
        return False
    before = said[span[0] - 1]
    return before in COUNTS or (before.isdigit() and int(before) > 1)


def _cue_kin(cue: str) -> list[str]:
    """A plain cue and the cue with one of its phrases said as any of that phrase's kin
    (`cue_kin`): "no review step" also reads "no sign-off step". One
    phrase is swapped at a time, so a cue never drifts from what its author wrote by more
    than one everyday word, and a cue that is nothing but one phrase of a group ("never
    expire") is not swapped: a bare "forever" is an everyday word, not a harm."""
    said = " ".join(words(cue))
    out = dict.fromkeys([cue])
    for phrase, kin in CUE_KIN.items():
        own = " ".join(words(phrase))
        pattern = re.compile(rf"(?<!\S){re.escape(own)}(?!\S)")
        if own != said and pattern.search(said):
            out.update(dict.fromkeys(pattern.sub(" ".join(words(k)), said, count=1)
                                     for k in sorted(kin) if k != phrase))
    return list(out)


@lru_cache(maxsize=512)
def _frames(cues: tuple[str, ...]) -> tuple[tuple[tuple[Phrase, ...], ...], ...]:
    """The frames among a flag's cues: "delete | remove + old | existing + on day one | the
    same day" is a harmful plan said as an act, what it acts on and how firmly, in any
    words order and any of the alternatives each part allows."""
    out = []
    for cue in cues:
        if FRAME_JOIN not in cue:
            continue
        groups = tuple(tuple(p for alt in _with_kin(part.split(FRAME_ALTERNATIVE))
                             if (p := _phrase(alt)) is not None)
                       for part in cue.split(FRAME_JOIN))
        if groups and all(groups):
            out.append(groups)
    return tuple(out)


def _with_kin(alternatives: list[str]) -> list[str]:
    """A frame part's alternatives and their kin (`frame_kin` in the lexicon): the words a
    rubric's author wrote and the other everyday ways of saying the same thing, in order,
    each once."""
    out = {" ".join(a.lower().split()): None for a in alternatives}
    for alt in list(out):
        out.update(dict.fromkeys(sorted(FRAME_KIN.get(alt, ()))))
    return list(out)


def _span(phrase: Phrase, where: dict[str, list[int]]) -> tuple[int, int] | None:
    """Where in the sentence the cue first matched (first and last word), if it did.

    A cue's words must come in its own order: "without notice" is a change nobody was told
    about, "notice without approval" is a safeguard that happens to use the same words."""
    return next(_spans(phrase, where), None)


def _spans(phrase: Phrase, where: dict[str, list[int]]) -> Iterator[tuple[int, int]]:
    """Every place in the sentence the cue matched, first to last (see `_span`)."""
    if any(s not in where for s in phrase.stems):
        return
    for start in where[phrase.stems[0]]:
        pos = start
        for st in phrase.stems[1:]:
            later = [p for p in where[st] if p > pos]
            if not later:
                return  # no later occurrence now, so none from a later start either
            pos = later[0]
        if pos - start < phrase.span:
            yield start, pos


def _judging_word_near(where: dict[str, list[int]], span: tuple[int, int],
                       own_stems: frozenset[str] = frozenset(),
                       own_positions: frozenset[int] = frozenset()) -> bool:
    """A word of harm stands within WARNING_REACH of the match and is not itself denied: a
    denied one ("so the pipeline never breaks", "no temptation to go back") is the
    candidate's reason for the plan, not a judgement of it, and one right after "every"
    ("every rejected assertion") picks out the things, not judges them. A cue's own words
    (`own_stems`) and a frame's (`own_positions`) are part of the match, not a judgement."""
    negations, articles = _negations(where), _positions_of(where, _ARTICLES)
    copulas = frozenset(_positions_of(where, _COPULA_STEMS))
    picked = _positions_of(where, _QUANTIFIER_STEMS)
    lo, hi = span[0] - WARNING_REACH, span[1] + WARNING_REACH
    return any(lo <= p <= hi and p not in own_positions and p - 1 not in picked
               and not _negated(p, negations, articles, copulas)
               for st in _WARNING_STEMS - own_stems for p in where.get(st, ()))


def _warns(text: str, where: dict[str, list[int]], span: tuple[int, int],
           cue_words: frozenset[str], phrase: Phrase) -> bool:
    """A warning word stands near the cue: "we would never log the password", "paging on
    every deploy, which was miserable". One far away in a long sentence says nothing of it,
    a negation after the cue negates something else ("so merchants never need to"), and so
    does one in an earlier clause ("not in the file -> destroy at once; no hold periods"
    proposes the missing hold period); one inside it that is not one of the cue's own words
    rejects it ("the changelog note isn't enough"), as a negation inside a frame's clause
    does (`_frame_warned`)."""
    cue = frozenset(stem(w) for w in cue_words)
    before = any(span[0] - WARNING_REACH <= p < span[0] and _same_clause(text, p, span[0])
                 for p in _negations(where, _NEGATING_STEMS - cue))
    own = _chain(phrase, where, span[0])
    inside = any(span[0] < p < span[1] and p not in own
                 for p in _negations(where))
    return (_judging_word_near(where, span, own_stems=cue) or before or inside
            or _done_without(where, span[0], own))


def _done_without(where: dict[str, list[int]], start: int, own: set[int]) -> bool:
    """The match opens right after a "without" of the sentence's own ("so support can see
    where it died - without logging the link token"): the harm is what the plan leaves out.
    A "without" among the match's own words is part of the harm ("ship it + without notice")."""
    return start - 1 in _positions_of(where, _WITHOUT) and start - 1 not in own


def _negations(where: dict[str, list[int]], stems: frozenset[str] = _NEGATING_STEMS) -> set[int]:
    """Where a negating word stands, except in an emphatic phrase that negates nothing ("full
    stop" after a mandate: "all services must refresh keys by rotation day, full stop, no
    exceptions" insists on the mandate, it does not stop it)."""
    found = _positions_of(where, stems)
    for phrase in _EMPHATIC:
        found -= {p + i for p in where.get(phrase[0], ())
                  if all(p + i in where.get(st, ()) for i, st in enumerate(phrase))
                  for i in range(len(phrase))}
    return found


def _same_clause(text: str, first: int, second: int) -> bool:
    """Both words are in one clause of the sentence, a short aside counted with the clause
    before it (`_joined_asides`), and no semicolon, arrow or spaced dash stands between."""
    clause_of = _joined_asides(said_words(text)[1])
    if not (first < len(clause_of) and second < len(clause_of)):
        return True
    return clause_of[first] == clause_of[second] and not breaks_between(text, first, second)


def _chain(phrase: Phrase, where: dict[str, list[int]], start: int) -> set[int]:
    """The positions of the cue's own words when it matched from `start`, as `_span` reads
    them ("note" stems to "not", so a negation is told from the cue's words by position)."""
    pos, out = start, {start}
    for st in phrase.stems[1:]:
        pos = next((p for p in where.get(st, ()) if p > pos), pos)
        out.add(pos)
    return out


def _negated(position: int, negations: set[int], articles: set[int],
             copulas: frozenset[int] = frozenset()) -> bool:
    """A word of harm that is itself denied, right before it, before its article or through
    its verb ("so the pipeline never breaks", "no temptation to go back", "not a problem",
    "so nobody is tempted to route back"), judges nothing: it is the candidate's reason for
    the plan."""
    before = position - 1
    while before in copulas:
        before -= 1
    return (before in negations or position - 1 in negations
            or (position - 1 in articles and position - 2 in negations))


def _positions_of(where: dict[str, list[int]], stems: frozenset[str]) -> set[int]:
    return {p for st in stems for p in where.get(st, ())}


def _frame_span(frame: tuple[tuple[Phrase, ...], ...], where: dict[str, list[int]]
                ) -> tuple[tuple[int, int], set[int], Options] | None:
    """Where a frame matched (first and last word) and the positions of its words, if every
    part matched as one of its alternatives, and every place each part matched; of the ways
    the parts can be matched, the tightest ("the same release" over "the same ... day" reaching
    into the next clause)."""
    options = []
    for n, part in enumerate(frame):
        spans = [sp for p in part for sp in _spans(p, where)
                 if n or not _named_thing(where, sp[0])]
        if not spans:
            return None
        options.append(spans)
    apart = [chosen for chosen in product(*options) if _disjoint(chosen)]
    if not apart:
        return None
    best = min(apart, key=lambda chosen: (max(e for _, e in chosen)
                                          - min(b for b, _ in chosen)))
    found = {i for b, e in best for i in range(b, e + 1)}
    return (min(found), max(found)), found, tuple(tuple(o) for o in options)


def _named_thing(where: dict[str, list[int]], start: int) -> bool:
    """The frame's first part, usually its act, stands where only a noun can: right after a
    quantifier ("every store and region") or after an ordinal that follows a determiner,
    quantifier or possessive ("the first migration"). It names things; "we store every prompt
    in full" and "first migrate everything" act. (After an article alone it may still be the
    harm: frames open on nouns too, "a ward account on every shared workstation".)"""
    if start - 1 in _positions_of(where, _QUANTIFIER_STEMS):
        return True
    return (start - 1 in _positions_of(where, _ORDINALS)
            and start - 2 in _positions_of(where, _NOUN_MARKERS))


def _disjoint(chosen: tuple[tuple[int, int], ...]) -> bool:
    """Each part of a frame matched words of its own: a part whose match lies wholly inside
    another's reads the same words twice ("each" read both as "every" and, through its kin, as
    "everyone" made "I wrote down what each column meant" share every field with everyone).
    Parts may share an edge word: "turn it on this Monday" is "turn on" and "on monday"."""
    return not any(i != j and o[0] <= c[0] and c[1] <= o[1]
                   for i, c in enumerate(chosen) for j, o in enumerate(chosen))


def _frame_warned(text: str, where: dict[str, list[int]], span: tuple[int, int],
                  found: set[int]) -> bool:
    """A frame is spread over a sentence, so a word that negates it must be in the clause
    where it starts ("to avoid half-migrations, I had the old jobs deleted on day one" makes
    the mistake); a word that judges it may stand anywhere near, as for a cue, unless it is
    itself negated ("so there was no temptation to bring it back" judges nothing); and a
    safeguard anywhere in the sentence ("with passwords masked", "the old fleet kept as a
    fallback") takes the harm out of it, unless it is denied ("with no fallback", "without
    notice"), is what the frame itself does without ("no need for + a fallback") or is put up
    to be judged ("keeping a fallback would only invite teams to stay, so we ...")."""
    _, at = clause_at(text, span[0])
    clause_start = span[0] - at
    negations, articles = _negations(where), _positions_of(where, _ARTICLES)
    judged = _judging_word_near(where, span, own_positions=frozenset(found))
    denied = (any(clause_start <= p < span[1] and p not in found for p in negations)
              or _done_without(where, span[0], found))
    refused = negations | _positions_of(where, _WITHOUT)
    made_safe = any(p not in found and not _negated(p, refused, articles)
                    and not judged_subject(text, p) for p in _safeguards(text))
    return judged or denied or made_safe


def _safeguards(text: str) -> list[int]:
    """Where the sentence names a safeguard, read as written (SAFEGUARD_WORDS): by stem, every
    "token" would read as "tokenised" and the "cons" of an option as "consent"."""
    return [i for i, w in enumerate(said_words(text)[0]) if w in SAFEGUARD_WORDS]


def _frame_raised(flag: RedFlag, s: Analysed) -> bool:
    """The sentence is a firm plan in the candidate's voice (or the words of a message the
    candidate sends: "It would state that ...") that says one of the flag's frames, not a
    warning or anything `set_aside` reads as no plan."""
    text = s.sentence.text
    voice = voiced(text) or imperative(text) or bool(OWN_MESSAGE.match(text.strip()))
    for frame in _frames(tuple(flag.cues)):
        matched = _frame_span(frame, s.where)
        if matched is None:
            continue
        span, found, options = matched
        if not (voice or _act_after_modal(text, options)):
            continue
        if breaks_between(text, span[0], span[1]):
            continue  # parts on both sides of a semicolon, arrow or spaced dash: two notes
        if not (_act_apart(text, options) or _frame_warned(text, s.where, span, found)
                or set_aside(text, span) or _act_set_aside(text, frame, s.where, found)
                or _act_named(text, options, found)
                or _part_set_against(text, found) or _part_as_state(text, options)
                or would_have_happened(text, span[1])):
            return True
    return False


def _act_named(text: str, options: Options, found: set[int]) -> bool:
    """The frame's act, wherever it matched, is a noun that names the practice, not a thing
    done: its "-ing" form comes right after what it acts on, another word of the frame, as a
    compound noun puts it ("that's most of the password sharing" is the practice found); a
    verb takes its object after it ("sharing the password with the daughter")."""
    said = said_words(text)[0]
    acts = [i for b, e in options[0] for i in range(b, e + 1)]
    return bool(acts) and all(
        i < len(said) and said[i].endswith("ing") and i - 1 in found and i - 1 not in acts
        for i in acts)


def _each_for_the(text: str, span: tuple[int, int], cue_words: frozenset[str]) -> bool:
    """Where a cue names one thing with an article ("in the next release"), the answer puts
    a quantifier in its place ("in each product's next release"): each owner's own
    schedule, not one change for everyone."""
    if not cue_words & ARTICLES:
        return False
    said = said_words(text)[0]
    return any(w in QUANTIFIERS and w not in cue_words for w in said[span[0]:span[1] + 1])


def _part_as_state(text: str, options: Options) -> bool:
    """A part of the frame other than its act matched only right after a form of "be", on a
    word that is no quantifier: it says what state something was in, not how the act is
    done ("record, every morning, the time each report was complete" records a time, not
    everything in full). "the prompts are all kept in full" still matches."""
    said = said_words(text)[0]

    def as_state(b: int) -> bool:
        return 0 < b < len(said) and said[b - 1] in BE_FORMS and said[b] not in QUANTIFIERS

    return any(spans and all(as_state(b) for b, _ in spans) for spans in options[1:])


def _act_after_modal(text: str, options: Options) -> bool:
    """The frame's act, where it matched, follows a plan modal: "the gateway will emit a log
    event for every request, with the full prompt" is the design proposed, said of the
    system the candidate builds rather than of "we"."""
    return any(modal_before(text, b) for b, _ in options[0])


def _part_set_against(text: str, found: set[int]) -> bool:
    """A word of the frame is the option the plan is set against ("we keep raw
    conversations 90 days instead of forever"): the frame is not the plan. A contrast the
    frame itself names ("+ rather than rejecting") sets nothing of it aside."""
    own = frozenset(found)
    return any(set_aside_as_alternative(text, p, own) for p in found)


def _act_set_aside(text: str, frame: tuple[tuple[Phrase, ...], ...],
                   where: dict[str, list[int]], found: set[int]) -> bool:
    """The frame's act, where it matched, is itself no plan: "any regression hits everyone at
    once, and if the old model is removed we cannot go back" makes the removal a condition,
    though the frame's span starts at "at once" in the clause before."""
    for phrase in frame[0]:
        span = _span(phrase, where)
        if span is not None and span[0] in found and set_aside(text, span):
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
    clause_of = _joined_asides(said_words(text)[1])

    def clauses(spans: tuple[tuple[int, int], ...]) -> set[int]:
        return {clause_of[i] for b, e in spans for i in range(b, e + 1) if i < len(clause_of)}

    act = clauses(options[0])
    return not any(act & clauses(spans) for spans in options[1:])


def _raised(flag: RedFlag, reading: Reading) -> str | None:
    """The first sentence that proposes what the flag describes, if any."""
    cues = _cues(tuple(flag.cues))
    before = ""
    for s in reading.sentences:
        for phrase, cue_words, one in cues:
            span = _span(phrase, s.where)
            if span is not None and not (_warns(s.sentence.text, s.where, span, cue_words,
                                                phrase)
                                         or (one and _counted_otherwise(s.sentence.text, span))
                                         or _each_for_the(s.sentence.text, span, cue_words)
                                         or set_aside(s.sentence.text, span)
                                         or _qualifies_no_plan(s.sentence.text, span, before)):
                return s.sentence.text
        before = s.sentence.text
        if _frame_raised(flag, s):
            return s.sentence.text
    return None


def _qualifies_no_plan(text: str, span: tuple[int, int], before: str) -> bool:
    """The sentence is nothing but the cue ("No exceptions.") and qualifies a sentence before
    it that is no plan and tells nobody to act ("Unverifiable token -> 401."): a rule of the
    system held firm, not a mandate."""
    return bool(before) and fragment_of_cue(text, span) and not tells_to_act(before)


def find_red_flags(flags: Sequence[RedFlag], reading: Reading) -> list[RedFlagHit]:
    """Every red flag the answer raises, each with the sentence that raised it."""
    hits = []
    for flag in flags:
        quote = _raised(flag, reading)
        if quote is not None:
            hits.append(RedFlagHit(id=flag.id, name=flag.name, criterion=flag.criterion,
                                   cap=flag.cap, quote=quote, why=flag.why.strip()))
    return hits
