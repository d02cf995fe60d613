"""General vocabulary the offline grader relies on beyond the rubrics, loaded from
`prompts/offline/lexicon.yaml`: function words, reasoning and contrast markers, concrete
measures, vague filler, padding, the everyday vocabulary of platform work, the cues that tell
a plan from exposition, and the English the sentence splitter and stemmer need.

The knowledge lives in that file, where a platform PM can read and correct it; this module
only loads it, checks it (`interviewer check` calls `load_lexicon`) and compiles the patterns
once, under the names the grader's modules import."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, field_validator

from interviewer.paths import prompts_dir
from interviewer.red_flag_caps import NOT_TOPIC_OWN
from interviewer.yaml_files import read_model

# Criteria every topic shares (common.yaml); they do not say what subject an answer is on.
# (criterion ids, not vocabulary: the grader's recipes are keyed on them). The same set a flag
# on the topic leaves uncapped, so both graders agree on what "the topic's own" means.
SHARED_CRITERIA = NOT_TOPIC_OWN


def _listed(text: str) -> str:
    """Refuse a word list with no words in it."""
    if not text.split():
        raise ValueError("the list is empty")
    return text


def pattern_list(alternatives: list[str]) -> list[str]:
    """Refuse an empty list, an empty alternative or one that is not a regular expression."""
    if not alternatives or not all(a.strip() for a in alternatives):
        raise ValueError("the list is empty or has an empty alternative")
    for alternative in alternatives:
        try:
            re.compile(alternative)
        except re.error as exc:
            raise ValueError(f"{alternative!r} is not a valid pattern: {exc}") from None
    return alternatives


class Words(BaseModel):
    """Word lists, each a block of words separated by spaces or line breaks."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    function_words: str
    loose_function_words: str
    generic_words: str
    platform_words: str
    role_words: str
    everyday_words: str
    vague_words: str
    warning_words: str
    possessives: str
    ordinals: str
    negating_words: str
    safeguard_words: str
    reporting_verbs: str
    hypothetical_subjects: str
    impersonal_subjects: str
    repeat_words: str
    repeat_ordinals: str
    own_subjects: str
    other_subjects: str
    generic_subjects: str
    irregular_past: str
    relative_words: str
    determiners: str
    not_gerunds: str
    articles: str
    copulas: str
    be_forms: str
    counts: str
    single: str
    coordinators: str
    quantifiers: str
    spoken_openers: str
    framing_starts: str
    not_narrated_openers: str

    @field_validator("*")
    @classmethod
    def _not_empty(cls, text: str) -> str:
        return _listed(text)


class Patterns(BaseModel):
    """Cue patterns, each a list of alternatives matched as whole words, ignoring case."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    reasoning: list[str]
    specific: list[str]
    signposts: list[str]  # matched only at the start of a sentence
    padding: list[str]
    hedge: list[str]
    contrast: list[str]
    decision: list[str]
    condition: list[str]
    time_openers: list[str]  # matched only at the start of a sentence
    diagnosis: list[str]
    consequence: list[str]
    finding_openers: list[str]  # matched only at the start of what was found
    considered: list[str]
    spoken: list[str]
    narrated: list[str]
    narrated_line: list[str]
    hypothetical: list[str]
    counterfactual: list[str]
    alternative: list[str]
    option_label: list[str]  # matched against the whole label
    option_sets: list[str]
    comparison_openers: list[str]  # matched only at the start of a label
    emphatic: list[str]
    rejection_labels: list[str]  # matched against the whole label
    versus: list[str]
    obligation: list[str]
    own_message: list[str]  # matched only at the start of a sentence
    fragment_reason: list[str]
    fragment_marks: list[str]

    @field_validator("*")
    @classmethod
    def _compiles(cls, alternatives: list[str]) -> list[str]:
        return pattern_list(alternatives)


class Engagement(BaseModel):
    """Cues that tell the candidate acting on the scenario from a description of the world."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    actor: list[str]
    onlooker: list[str]
    plan: list[str]
    measure: list[str]
    exposition: list[str]
    habitual_subjects: list[str]
    habit_adverbs: list[str]
    reader: list[str]
    lead_ins: list[str]
    prohibitions: list[str]
    plan_verbs: str

    @field_validator("*")
    @classmethod
    def _valid(cls, value: list[str] | str) -> list[str] | str:
        return _listed(value) if isinstance(value, str) else pattern_list(value)


class English(BaseModel):
    """Abbreviations that do not end a sentence, and stems the stemmer's rules cannot reach."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    abbreviations: str
    irregular_stems: dict[str, str]

    @field_validator("abbreviations")
    @classmethod
    def _has_words(cls, text: str) -> str:
        return _listed(text)

    @field_validator("irregular_stems")
    @classmethod
    def _lower_words(cls, stems: dict[str, str]) -> dict[str, str]:
        for word, root in stems.items():
            if not (word.isalpha() and word.islower() and root.isalpha() and root.islower()):
                raise ValueError(f"{word}: {root}: both must be lower-case words")
        return stems


def kin_groups(groups: list[list[str]]) -> list[list[str]]:
    """Refuse a group of fewer than two phrases, a phrase with no word in it, or one written
    with a frame's own separators (" + " or "|"): a group lists plain alternatives."""
    for group in groups:
        if len(group) < 2:
            raise ValueError(f"{group!r}: a group of kin needs two phrases or more")
        for phrase in group:
            if not any(ch.isalnum() for ch in phrase) or "|" in phrase or " + " in phrase:
                raise ValueError(f"{phrase!r} is not a plain phrase")
    return groups


class Lexicon(BaseModel):
    """The whole file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    words: Words
    patterns: Patterns
    engagement: Engagement
    english: English
    frame_kin: list[list[str]]
    cue_kin: list[list[str]]

    @field_validator("frame_kin", "cue_kin")
    @classmethod
    def _kin(cls, groups: list[list[str]]) -> list[list[str]]:
        return kin_groups(groups)


def default_path() -> Path:
    """Where the shipped lexicon lives."""
    return prompts_dir() / "offline" / "lexicon.yaml"


@cache
def load_lexicon(path: Path | None = None) -> Lexicon:
    """The lexicon from YAML; a bad file is a clear error naming the file and the field."""
    return read_model(path or default_path(), Lexicon)


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


def any_of(alternatives: list[str]) -> str:
    """The alternatives as one non-capturing group, for building a larger pattern."""
    return "(?:" + "|".join(alternatives) + ")"


def words_pattern(alternatives: list[str], anchored: bool = False) -> re.Pattern[str]:
    """Any of the alternatives as whole words (at the start of the text when anchored)."""
    start = "^" if anchored else r"\b"
    return re.compile(start + any_of(alternatives) + r"\b", re.IGNORECASE)


LEXICON = load_lexicon()
_W, _P = LEXICON.words, LEXICON.patterns

FUNCTION_WORDS = _set(_W.function_words)
# Function words that still pin down a phrase whose only content word is common.
LOOSE_FUNCTION_WORDS = _set(_W.loose_function_words)
GENERIC_WORDS = _set(_W.generic_words)
PLATFORM_WORDS = _set(_W.platform_words)
ROLE_WORDS = _set(_W.role_words)
EVERYDAY_WORDS = _set(_W.everyday_words)
VAGUE_WORDS = _set(_W.vague_words)
WARNING_WORDS = _set(_W.warning_words)
# How an opening that frames the answer (who it is for, the goal) starts a word stem.
FRAMING_STARTS = tuple(_W.framing_starts.split())
NEGATING_WORDS = _set(_W.negating_words)  # a warning only before the cue they negate
SAFEGUARD_WORDS = _set(_W.safeguard_words)  # take the harm out of a red-flag frame's clause
NOT_GERUNDS = _set(_W.not_gerunds)  # "-ing" words that do not open a gerund subject
ARTICLES = _set(_W.articles)  # words a red flag's cue may leave out
POSSESSIVES = _set(_W.possessives)  # with determiners: a frame's act after one is a noun
ORDINALS = _set(_W.ordinals)  # "the first migration": an ordinal after a determiner
QUANTIFIERS = _set(_W.quantifiers)  # "every rejected assertion": describes, not judges
COPULAS = _set(_W.copulas)  # "nobody is tempted": a denied judgement through its verb
BE_FORMS = _set(_W.be_forms)  # "the report was complete": a state, not how a thing is done
COUNTS = _set(_W.counts)  # "three weeks' notice" is not "a week's notice"
COORDINATORS = _set(_W.coordinators)  # "If A, and B, ...": B adds to the condition
SINGLE = _set(_W.single)  # how a cue opens on a count of one ("a week's notice")
REPORTING_VERBS = _set(_W.reporting_verbs)  # "our VP told me that ...": a plan recounted
HYPOTHETICAL_SUBJECTS = _set(_W.hypothetical_subjects)  # "any team whose ...": whoever is hit
IMPERSONAL_SUBJECTS = _set(_W.impersonal_subjects)  # "there was no going back": no one acts
REPEAT_WORDS = _set(_W.repeat_words)  # "the same item again": a repeat, not a new thing
REPEAT_ORDINALS = _set(_W.repeat_ordinals)  # "no second review" of a repeat: refused
OWN_SUBJECTS = _set(_W.own_subjects)  # the candidate as the subject of a clause
OTHER_SUBJECTS = _set(_W.other_subjects)  # someone else as the subject of a clause
GENERIC_SUBJECTS = _set(_W.generic_subjects)  # "you can't roll it back": a fact of anyone's
IRREGULAR_PAST = _set(_W.irregular_past)  # "she saw ...": someone else's act, recounted
RELATIVE_WORDS = _set(_W.relative_words)  # "a token that never expires ...": a description
DETERMINERS = _set(_W.determiners)  # how a described subject opens its sentence
SPOKEN_OPENER_WORDS = _set(_W.spoken_openers)  # "okay so, ...": not how the sentence opens
# Words a spoken sentence opens with before it starts ("okay so, first ..."), set aside
# before looking for reasons and signposts: a leading "so" is not a "so that".
SPOKEN_OPENERS = re.compile(
    r"^(?:(?:" + "|".join(re.escape(w) for w in sorted(SPOKEN_OPENER_WORDS)) + r")\b[,.]?\s*)+",
    re.IGNORECASE)


def _kin(groups: list[list[str]]) -> dict[str, frozenset[str]]:
    """Each phrase of every group, and all the phrases it stands for (its groups' union)."""
    out: dict[str, frozenset[str]] = {}
    for group in groups:
        members = frozenset(" ".join(p.lower().split()) for p in group)
        for phrase in members:
            out[phrase] = out.get(phrase, frozenset()) | members
    return out


# Ways of saying one part of a red-flag frame: a part that allows one phrase of a group
# allows them all ("switch" in a frame also matches "turn on" and "flip on").
FRAME_KIN = _kin(LEXICON.frame_kin)
CUE_KIN = _kin(LEXICON.cue_kin)  # the same for plain cues, kept to a few close groups

REASONING = words_pattern(_P.reasoning)
SPECIFIC = words_pattern(_P.specific)
SIGNPOSTS = words_pattern(_P.signposts, anchored=True)
PADDING = words_pattern(_P.padding)
HEDGE = words_pattern(_P.hedge)
CONTRAST = words_pattern(_P.contrast)
DECISION = words_pattern(_P.decision)
CONDITION = words_pattern(_P.condition)  # a cue after one in its clause is a condition
TIME_OPENERS = tuple(tuple(p.split()) for p in _P.time_openers)  # "going forward, ..."
DIAGNOSIS = words_pattern(_P.diagnosis)  # a cue after one names a problem found
CONSEQUENCE = words_pattern(_P.consequence)  # after a diagnosis, what turns it into a plan
FINDING_OPENERS = words_pattern(_P.finding_openers, anchored=True)  # "found we were ...": found
CONSIDERED = words_pattern(_P.considered)  # "I thought about ...": an option weighed
SPOKEN = words_pattern(_P.spoken)
NARRATED = words_pattern(_P.narrated)
# A bullet story's line or clause that opens on a past-tense verb, its "I" dropped ("ran 6
# calls", "my part: comms lead; wrote the review"): the start of the text or a ':' or ';'.
NARRATED_LINE = re.compile(
    r"(?:^|[;:])\s*(?!" + any_of(sorted(_set(_W.not_narrated_openers))) + r"\b)"
    + any_of(_P.narrated_line) + r"\b", re.IGNORECASE)
HYPOTHETICAL = words_pattern(_P.hypothetical)
COUNTERFACTUAL = words_pattern(_P.counterfactual)  # "which would have forced ..."
ALTERNATIVE = words_pattern(_P.alternative)  # "quicker than waiting ...": the path set against
# "Five: keep everything forever - ...": a numbered option laid out with its cost
REJECTION_LABEL = re.compile(r"^\W*" + any_of(_P.rejection_labels) + r"\W*$", re.IGNORECASE)
VERSUS = words_pattern(_P.versus)  # "X vs Y: ...": two options side by side
EMPHATIC = tuple(_P.emphatic)  # negating words inside these negate nothing ("full stop")
OPTION_SETS = words_pattern(_P.option_sets)  # "four options: ..." introduces options laid out
COMPARISON_OPENERS = words_pattern(_P.comparison_openers, anchored=True)  # "Compare with X: ..."
OPTION_LABEL = re.compile(r"^\W*" + any_of(_P.option_label) + r"\W*$", re.IGNORECASE)
OBLIGATION = words_pattern(_P.obligation)  # "every team has to ...": someone told to act
OWN_MESSAGE = words_pattern(_P.own_message, anchored=True)  # "It would state that ..."
# A reason, a condition or a contrast in a list item, a number, or an arrow between two words.
FRAGMENT_REASON = re.compile(r"\b" + any_of(_P.fragment_reason) + r"\b|\d|"
                             + any_of(_P.fragment_marks), re.IGNORECASE)
