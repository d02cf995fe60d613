"""Readings of the sentence a red flag's cue (or frame) matched in: whether what matched is
the candidate's plan or something else said about it (a thing put up to be judged, a
condition or what follows from one, a path not taken, an option weighed, quoted or found to
be the problem, what someone else did or said). `set_aside` is the one entry point, so
plain cues and frames are read alike (red_flags.py). Words are numbered as the sentence's
reading numbers them (speech fillers out), so a position a cue matched at means the same
word here; the vocabulary is in prompts/offline/lexicon.yaml."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from interviewer.offline.analysis import without_speech_fillers
from interviewer.offline.engagement import imperative, voiced
from interviewer.offline.lexicon import (
    ALTERNATIVE,
    COMPARISON_OPENERS,
    CONDITION,
    CONSEQUENCE,
    CONSIDERED,
    CONTRAST,
    COORDINATORS,
    COUNTERFACTUAL,
    DECISION,
    DETERMINERS,
    DIAGNOSIS,
    FINDING_OPENERS,
    GENERIC_SUBJECTS,
    HYPOTHETICAL_SUBJECTS,
    IMPERSONAL_SUBJECTS,
    IRREGULAR_PAST,
    LEXICON,
    NOT_GERUNDS,
    OBLIGATION,
    OPTION_LABEL,
    OPTION_SETS,
    OTHER_SUBJECTS,
    OWN_SUBJECTS,
    REJECTION_LABEL,
    RELATIVE_WORDS,
    REPEAT_ORDINALS,
    REPEAT_WORDS,
    REPORTING_VERBS,
    SPOKEN_OPENER_WORDS,
    TIME_OPENERS,
    VERSUS,
    words_pattern,
)
from interviewer.offline.text import words
from interviewer.speech.delivery import load_rules, without_fillers

# a cue starting within this many words of a sentence that opens with a gerund ("Turning off
# the revocation check would ...") belongs to its subject: the mistake put up to be judged
OPENING_REACH = 6
# a comma or colon between digits is part of a number or a time ("6,000 queries", "10:30"),
# not the end of a clause
_CLAUSE_BREAK = re.compile(r"[;\u2013\u2014]|(?<!\d)[,:]|[,:](?!\d)|\s-\s")
_QUOTE_MARKS = re.compile(r'["\u201c\u201d]')
# a cue inside quotation marks this short is the name of an option ("log everything")
QUOTED_NAME_WORDS = 5
_PLAN_MODAL = words_pattern(LEXICON.engagement.plan)  # "would", "will", "'d", "should" ...


def _cleaned(text: str) -> list[str]:
    """Words as the sentence's reading counts them (analysis.py): speech fillers left out."""
    return without_fillers(words(without_speech_fillers(text)), load_rules().fillers)


@lru_cache(maxsize=2048)
def said_words(text: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
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
    so, like, ..."), a time phrase ("going forward") and one adverb ("basically")."""
    opener = _openers()
    n = 0
    while n < len(sentence_words) and sentence_words[n] in opener:
        n += 1
    n += next((len(t) for t in TIME_OPENERS if tuple(sentence_words[n:n + len(t)]) == t), 0)
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


def judged_subject(text: str, index: int) -> bool:
    """The word at `index` is in a gerund subject the sentence goes on to judge ("Keeping an
    old cluster as a fallback would only invite teams to stay on it"): the sentence opens on a
    gerund and a modal follows the word in that first clause. A participle opening a plan
    ("Keeping the old fleet as a fallback, we switch ...") has no modal in its clause."""
    said, clause_of = said_words(text)
    start = _opening(said)
    if not start < len(said) or not index < len(said) or clause_of[index] != clause_of[start]:
        return False
    if said[start] in NOT_GERUNDS or not said[start].endswith("ing"):
        return False
    rest = [w for w, c in zip(said[index + 1:], clause_of[index + 1:], strict=True)
            if c == clause_of[start]]
    return bool(_PLAN_MODAL.search(" ".join(rest)))


def modal_before(text: str, index: int) -> bool:
    """A plan modal stands right before the word at `index` (an adverb may come between):
    "the gateway will emit a log event for every request" is the candidate's design, said of
    the system rather than of "we"."""
    said = said_words(text)[0]
    return bool(_PLAN_MODAL.search(" ".join(said[max(0, index - 2):index])))


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
    """The cue is the condition of its clause, after an "if", "unless" or "once" with no "I"
    or "we" acting between it and the cue but as the condition's subject ("the check fails
    the build if a field is added without a privacy review", "if we ever ship without a
    review, ...", "once the old vectors are gone there is no way back"; "once the rating
    recovers we keep the default alias" is a plan), or what a condition in the clause before
    (`_condition_only`) leaves anyone it hits with ("Once the old index is deleted, any team
    whose results drop has no way back") or leaves things in ("once we signed the contracts,
    there was no going back"): a risk weighed, not a plan. A consequence said of the system
    ("if the auth service times out, services fail open") is a design rule, so it is one. A
    clause that opens on "and" or "or" right after a condition's clause is a second condition
    ("If we offer X, and all of those codes moved tomorrow, revenue would fall")."""
    said, clause_of = said_words(text)
    clause, at = clause_at(text, span[0])
    joined = " ".join(clause)
    for m in CONDITION.finditer(joined):
        begin = len(words(joined[:m.start()]))
        # "if we ever ship ..." is the condition's own subject; a later "we" opens the plan
        if begin < at and not OWN_SUBJECTS & set(clause[begin + 2:at]):
            return True
    mine = clause_of[span[0]] if span[0] < len(clause_of) else 0
    before = [w for w, c in zip(said, clause_of, strict=True) if c == mine - 1]
    if (clause and clause[0] in COORDINATORS and before and _condition_only(before)
            and not OWN_SUBJECTS & set(clause[2:at])):
        return True  # "If we offer X, and all codes moved tomorrow, ...": a second condition
    if (not before or voiced(joined) or imperative(joined) or _PLAN_MODAL.search(joined)
            or not clause or clause[0] not in HYPOTHETICAL_SUBJECTS | IMPERSONAL_SUBJECTS):
        return False
    return _condition_only(before)


def _condition_only(clause: list[str]) -> bool:
    """The clause says a condition and nothing the candidate does: it opens with one, or one
    follows words in which the candidate does not act ("the thing that bit us was that once
    we signed the contracts"), and the candidate is at most the condition's own subject
    ("once we signed ..."). "Once the new index is live we drop the old one" and "we drop the
    old index once the new one is live" are plans."""
    joined = " ".join(clause)
    for m in CONDITION.finditer(joined):
        begin = len(words(joined[:m.start()]))
        if not OWN_SUBJECTS & (set(clause[:begin]) | set(clause[begin + 2:])):
            return True
    return False


def _counterfactual(text: str, span: tuple[int, int]) -> bool:
    """The cue is what would have happened on a path not taken ("I chose this over a major
    version bump, which would have forced every team to migrate"): a consequence avoided, not
    a plan."""
    clause, at = clause_at(text, span[0])
    return bool(COUNTERFACTUAL.search(" ".join(clause[:at + 1])))


def would_have_happened(text: str, index: int) -> bool:
    """The word at `index` closes a clause about what would have happened on a path not taken,
    whatever came first: "a big bang would have shipped the bug to every customer at once"
    puts its subject before the modal, so a frame that starts at "big bang" is read from its
    last word."""
    return _counterfactual(text, (index, index))


def _set_against(text: str, span: tuple[int, int], own: frozenset[int] = frozenset()) -> bool:
    """The cue is the option the plan is set against ("a ban list, far quicker than waiting
    for the token to expire"): after "than" or "instead of" in its clause, with no "I" or
    "we" between ("instead of a ban list, we wait for the token to expire" is a plan). A
    "than" among the words `own` is the match's own and sets nothing aside."""
    clause, at = clause_at(text, span[0])
    joined = " ".join(clause)
    for m in ALTERNATIVE.finditer(joined):
        begin = len(words(joined[:m.start()]))
        if span[0] - at + begin in own:
            continue
        if begin < at and not OWN_SUBJECTS & set(clause[begin:at]):
            return True
    return False


def set_aside_as_alternative(text: str, index: int, own: frozenset[int] = frozenset()) -> bool:
    """The word at `index` is in the option a plan is set against (`_set_against`), by a
    "than" or "instead of" that is not among the words `own` (a frame that says "log the
    mismatch rather than rejecting" names its own contrast: the plan is the logging)."""
    return _set_against(text, (index, index), own)


def _generic(text: str, span: tuple[int, int]) -> bool:
    """The cue states what is true of a thing for anyone ("a dropped column is destructive,
    you can't roll it back by redeploying"): its clause opens with "you", and the sentence
    has no plan in the candidate's voice, no order and no plan modal ("we auto-apply
    everything, you can't roll back" is a plan)."""
    clause, _ = clause_at(text, span[0])
    start = _opening(clause)
    if start >= len(clause) or clause[start] not in GENERIC_SUBJECTS:
        return False
    return not (voiced(text) or imperative(text) or _PLAN_MODAL.search(text))


def _weighed(text: str, span: tuple[int, int]) -> bool:
    """The cue names an option laid out with its cost, as one of several: the sentence is a
    label, a colon and a verdict that holds a contrast ("90 days for everyone: fixes the
    annoyance, but a stolen login works for three months"), and the cue is in the label. A
    label in the candidate's voice or one that opens with a verb ("We extend every session to
    90 days: ...") is a plan, unless the verb compares ("Compare with keep building
    everything: we have full control, but ..."), and so is a sentence that commits ("I'd go
    with it")."""
    label, colon, verdict = text.partition(":")
    if not colon or span[1] >= len(said_words(label)[0]):
        return False
    versus = bool(VERSUS.search(label))  # "Log every allow in full vs sample: ..."
    ordered = imperative(label) and not (COMPARISON_OPENERS.match(label.strip()) or versus)
    plan = voiced(label) or ordered or DECISION.search(text)
    return not plan and (versus or bool(CONTRAST.search(verdict)))


def _considered(text: str, span: tuple[int, int]) -> bool:
    """The cue is an option the candidate says they weighed and turned down: in its clause,
    before it, "I thought about", "we considered" or "I looked at" (`considered` in the
    lexicon), with no "I" or "we" acting in between, and after the cue the sentence sets a
    contrast against it ("I thought about family profiles under one parent's login, which
    would be simpler, but then we still couldn't tell who did what"). A sentence that commits
    ("..., but I'd go with it anyway") is a plan, as for an option weighed after a colon."""
    clause, at = clause_at(text, span[0])
    joined = " ".join(clause)
    weighed = False
    for m in CONSIDERED.finditer(joined):
        end = len(words(joined[:m.end()]))
        if end <= at and not OWN_SUBJECTS & set(clause[end:at]):
            weighed = True
    if not weighed:
        return False
    after = text[_char_of(text, span[1] + 1):] if span[1] + 1 < len(said_words(text)[0]) else ""
    return bool(CONTRAST.search(after)) and not DECISION.search(after)


def _listed_option(text: str, span: tuple[int, int]) -> bool:
    """The cue is one option of a numbered list, laid out with its cost: the sentence opens
    with an option's label and a colon ("Five: keep everything forever - that's 20 million
    calls a year, and you can't delete anyone who asks"), the cue comes before a dash, and
    after the dash its cost is weighed (a contrast, or what anyone can't do). A step of a plan
    ("2: delete the old index on day one") has no cost after it, and a sentence that commits
    ("I'd go with it") is a plan."""
    label, colon, rest = text.partition(":")
    if not colon or not OPTION_LABEL.match(label) or DECISION.search(text):
        return False
    option, dash, cost = _split_dash(rest)
    if not dash or span[1] >= len(said_words(label + colon + option)[0]):
        return False
    return bool(CONTRAST.search(cost) or _generic_limit(cost))


def _refused_by_label(text: str, span: tuple[int, int]) -> bool:
    """The cue follows a label that turns down what comes after it ("Rejected: letting that
    tenant's users in by email link during the outage - it would bypass their MFA"), within
    the refused option: up to a semicolon ("Rejected: waiting it out; we bypassed MFA" refuses
    only the waiting), in a sentence that does not commit to it ("..., but I'd do it")."""
    label, colon, rest = text.partition(":")
    if not colon or not REJECTION_LABEL.match(label) or DECISION.search(rest):
        return False
    refused = label + colon + rest.split(";", 1)[0]
    return len(said_words(label + colon)[0]) <= span[0] and span[1] < len(said_words(refused)[0])


def _options_laid_out(text: str, span: tuple[int, int]) -> bool:
    """The cue is one of several options listed after a colon that introduces them ("I put
    four options in front of the controller: freeze and ignore late items, keep recomputing,
    or post late items as adjustments"): the words before the colon name a set of options
    (`option_sets` in the lexicon), the cue comes after the colon, and the list has more than
    one item. A sentence that commits ("I'd go with ...") is a plan."""
    intro, colon, listed = text.partition(":")
    if not colon or not OPTION_SETS.search(intro) or DECISION.search(text):
        return False
    if span[0] < len(said_words(intro + colon)[0]):
        return False
    return "," in listed or bool(re.search(r"\bor\b", listed, re.IGNORECASE))


_DASH = re.compile(r"\s[-\u2013\u2014]\s")


def _split_dash(text: str) -> tuple[str, str, str]:
    """The text before its first spaced dash, the dash, and the rest."""
    m = _DASH.search(text)
    return (text[:m.start()], m.group(), text[m.end():]) if m else (text, "", "")


def _generic_limit(text: str) -> bool:
    """Says what anyone cannot do ("you can't really delete someone who asks")."""
    ws = words(text)
    return any(w in GENERIC_SUBJECTS and " ".join(ws[i + 1:i + 3]).startswith(_CANNOT)
               for i, w in enumerate(ws))


# how words() spells what anyone cannot do ("you can't" -> "you can not")
_CANNOT = ("can not", "cannot", "will not", "could not", "lose", "never", "no ")


def fragment_of_cue(text: str, span: tuple[int, int]) -> bool:
    """The sentence is nothing but the cue ("No exceptions."): it qualifies the sentence
    before it rather than saying a plan of its own."""
    said = said_words(text)[0]
    return span[0] == _opening(said) and span[1] == len(said) - 1


def tells_to_act(text: str) -> bool:
    """The sentence is the candidate's plan or tells someone what they must do ("every team
    has to be on it by March"), so a bare "No exceptions." after it is a mandate; after a rule
    of the system ("Unverifiable token -> 401.") it is not."""
    return voiced(text) or imperative(text) or bool(OBLIGATION.search(text))


_STRONG_BREAK = re.compile(r";|->|\s[-\u2013\u2014]\s")


def breaks_between(text: str, first: int, second: int) -> bool:
    """A semicolon, an arrow or a spaced dash stands between words `first` and `second`
    (numbered as `said_words` numbers them): what comes before it is a note of its own."""
    return any(first < _index_at(text, m.start()) <= second
               for m in _STRONG_BREAK.finditer(text))


def _index_at(text: str, char: int) -> int:
    """The number (as `said_words` numbers words) of the first word at or after character `char`."""
    return len(_cleaned(text[:char]))


def _diagnosed(text: str, span: tuple[int, int]) -> bool:
    """The cue names a problem the candidate found, not a plan: before it the sentence says
    what the problem or its cause is ("the bigger issue is the keys themselves, they never
    expire", "why it happened: key never expire"), and nothing in between is a plan in the
    candidate's voice ("the problem is churn, so we'd make tokens never expire" is one). What
    "we" do in the finding a diagnosis introduces is the state of things found (`_finding`)."""
    said = said_words(text)[0]
    for m in DIAGNOSIS.finditer(text):
        end = _index_at(text, m.end())
        if end > span[0]:
            continue
        between = " ".join(said[end:span[0]])
        raw = text[m.end():_char_of(text, span[0])]  # raw, so "we'd" keeps its "'d"
        acted = voiced(between) and not _finding(raw)
        if not (acted or DECISION.search(raw) or _PLAN_MODAL.search(raw)):
            return True
    return False


def _finding(raw: str) -> bool:
    """The words after a diagnosis give what was found ("the cause is our rule: we join ...",
    "we discovered that our logs held ...", "the privacy team found we were putting ..."): a
    colon, "that" or a past state (`finding_openers` in the lexicon) introduces it, and no word
    of consequence turns it into the plan ("..., so we keep ..."). Without any, "we" acting
    after it is a plan ("only once the root cause is confirmed do we post")."""
    introduced = ":" in raw or bool(FINDING_OPENERS.match(raw.lstrip()))
    return introduced and not CONSEQUENCE.search(raw)


def _char_of(text: str, index: int) -> int:
    """Where the space-separated token holding word `index` (as `said_words` numbers words)
    starts in `text`."""
    for m in re.finditer(r"\S+", text):
        if _index_at(text, m.end()) > index:
            return m.start()
    return len(text)


def _quoted(text: str, span: tuple[int, int]) -> bool:
    """The cue is the short name of an option in quotation marks ('which is what "log
    everything" would spray into shared logs'): spoken of, not adopted, unless the sentence
    commits to it ('I'd "log everything" for a week')."""
    marks = [m.start() for m in _QUOTE_MARKS.finditer(text)]
    for opening, closing in zip(marks[::2], marks[1::2], strict=False):
        first, after = _index_at(text, opening), _index_at(text, closing)
        if first <= span[0] and span[1] < after <= first + QUOTED_NAME_WORDS:
            return not DECISION.search(text)
    return False


def _reported(text: str, span: tuple[int, int]) -> bool:
    """The cue is in what someone else said, asked for or decided, recounted ("our VP told me
    she'd announce that every team had to be on it by the end of Q3"): before it, in its
    clause, a reporting verb whose subject is not the candidate, and no "I" or "we" between.
    "I told every team they had to move by the end of the month" is the candidate's own."""
    clause, at = clause_at(text, span[0])
    for i, word in enumerate(clause[:at]):
        subject = set(clause[:i])
        if (word in REPORTING_VERBS and subject
                and not (subject | set(clause[i + 1:at])) & OWN_SUBJECTS):
            return True
    return False


def clause_at(text: str, index: int) -> tuple[list[str], int]:
    """The words of the clause that holds word `index` (numbered as `said_words` numbers them),
    and where that word falls in it."""
    said, clause_of = said_words(text)
    if not 0 <= index < len(said):
        return [], 0
    mine = clause_of[index]
    start = clause_of.index(mine)
    return [w for w, c in zip(said, clause_of, strict=True) if c == mine], index - start


def _done_by_others(text: str, span: tuple[int, int]) -> bool:
    """The cue recounts what someone else did: in its clause a subject and a past-tense verb
    come before it, and no "I/we" ("the source changed its pagination without notice"). A
    clause that opens with the verb ("deleted the cluster the next week") is the candidate's
    own note, and one with a plan modal before the cue is a plan ("the gateway will emit a
    structured log event"). Irregular past tenses count ("she saw a full card number in a
    chat")."""
    clause, at = clause_at(text, span[0])
    if not clause or voiced(" ".join(clause)) or _PLAN_MODAL.search(" ".join(clause[:at])):
        return False
    return any((w.endswith("ed") and len(w) > 3) or w in IRREGULAR_PAST for w in clause[1:at])


def _done_by_them(text: str, span: tuple[int, int]) -> bool:
    """The cue describes a thing by what someone else does with it: its clause opens on a
    determiner and a noun, and "they", "he" or "she" acts on it before the cue, with no "I" or
    "we" and no decision in the sentence ("- a patch bump they'll take without a review
    meeting" says how teams treat a patch release). A clause that opens on its subject ("and
    they often don't read the docs") says what the candidate thinks of them, and "I'd let
    them merge without a review" is a plan."""
    clause, at = clause_at(text, span[0])
    if not clause or clause[0] not in DETERMINERS:
        return False
    return (bool(OTHER_SUBJECTS & set(clause[2:at])) and not OWN_SUBJECTS & set(clause)
            and not voiced(" ".join(clause)) and not DECISION.search(text))


def _repeat_refused(text: str, span: tuple[int, int]) -> bool:
    """The cue counts a "second" one of something the sentence says comes again ("the same
    item id again returns the existing item, no second review"): the repeat the system
    refuses, a duplicate never handled twice, not a reviewer or a check left out of a plan
    ("one approval, no second review" is one)."""
    said = said_words(text)[0]
    inside = range(span[0], span[1] + 1)
    return (any(said[i] in REPEAT_ORDINALS for i in inside if i < len(said))
            and any(w in REPEAT_WORDS for i, w in enumerate(said) if i not in inside))


def set_aside(text: str, span: tuple[int, int]) -> bool:
    """What matched at `span` is not the candidate's plan, however the match was made (a
    plain cue or a frame): a gerund subject put up to be judged, a thing the sentence opens by
    describing, the condition of its clause or what follows from one, what would have
    happened on a path not taken, the option a plan is set against, a fact said of anyone
    ("you can't ..."), an option weighed with its cost or set beside another ("X vs Y:"), one
    of several options listed, one under a "Rejected:" label, or one the candidate thought
    about and turned down, what someone else did, does or said, a problem found, an option
    named in quotes, or a repeat refused. Cues and frames are read by this one function, so a
    reading added here holds for both."""
    said = said_words(text)[0]
    return (_judged(said, span) or _described(said, span) or _conditional(text, span)
            or _counterfactual(text, span) or _set_against(text, span)
            or _generic(text, span) or _weighed(text, span) or _listed_option(text, span)
            or _options_laid_out(text, span) or _refused_by_label(text, span)
            or _considered(text, span)
            or _done_by_others(text, span) or _done_by_them(text, span)
            or _diagnosed(text, span) or _quoted(text, span)
            or _reported(text, span) or _repeat_refused(text, span))
