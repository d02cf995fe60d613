"""Checking an interviewer turn the model wrote before any candidate sees it.

Small models wander: they ask about another topic, echo our instructions ("Here is the
follow-up:"), put words in the candidate's mouth, or stop mid-sentence at the token limit.
`check_turn` says what is wrong with a turn, or None when it may be shown; the rules and
phrases live in `prompts/llm/turn_checks.yaml`, where a platform PM can tune them.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from interviewer import paths
from interviewer.llm.evidence import locate
from interviewer.yaml_files import read_model

_WORD = re.compile(r"[^\W\d_]{5,}")
_QUOTED = re.compile(r"[\"“”]([^\"“”]{1,400})[\"“”]")
_ENDS = ('.', '?', '!', '."', '?"', '!"', '.”', '?”', '!”', ".)", "?)")


class TurnChecks(BaseModel):
    """The rules in turn_checks.yaml."""

    model_config = ConfigDict(extra="forbid")

    max_length_ratio: float = Field(gt=0)
    min_allowed_chars: int = Field(ge=50)
    max_chars: int = Field(ge=100)
    min_shared_words: float = Field(ge=0, le=1)
    common_words: list[str] = Field(default_factory=list)
    echoed_instructions: list[str]
    invented_quotes: list[str]


@cache
def turn_checks(path: Path | None = None) -> TurnChecks:
    """The rules, read once per process; a missing or malformed file is a ValueError naming
    the file and the field, as for every YAML file a platform PM edits."""
    return read_model(path or paths.prompts_dir() / "llm" / "turn_checks.yaml", TurnChecks)


def length_cap(seed: str, checks: TurnChecks | None = None) -> int:
    """The most characters a rewording of `seed` may have."""
    rules = checks or turn_checks()
    return min(rules.max_chars, max(rules.min_allowed_chars,
                                    int(len(seed) * rules.max_length_ratio)))


def _words(text: str, common: frozenset[str]) -> set[str]:
    return {w.casefold()[:6] for w in _WORD.findall(text)  # a crude stem: "shard(ing)"
            if w.casefold() not in common}


def shared_share(turn: str, seed: str, checks: TurnChecks | None = None) -> float:
    """The share of the seed's distinctive words the turn keeps (1.0 for a seed without any)."""
    common = frozenset(w.casefold() for w in (checks or turn_checks()).common_words)
    wanted = _words(seed, common)
    return len(wanted & _words(turn, common)) / len(wanted) if wanted else 1.0


def _invented_quote(turn: str, sources: list[str]) -> str | None:
    for match in _QUOTED.finditer(turn):
        quoted = match.group(1)
        if len(quoted.split()) >= 3 and not any(locate(quoted, s) for s in sources):
            return quoted
    return None


def check_turn(turn: str, seed: str, answers: list[str],
               checks: TurnChecks | None = None) -> str | None:
    """Why `turn` must not be shown in place of the library's `seed` wording, or None.

    The reason completes "the library's wording was used because the model's turn ...".
    """
    rules = checks or turn_checks()
    text = turn.strip()
    if not text:
        return "was empty"
    cap = length_cap(seed, rules)
    if len(text) > cap:
        return f"was {len(text):,} characters long, over the {cap:,} allowed for this question"
    lowered = text.casefold()
    for phrase in rules.echoed_instructions:
        if phrase.casefold() in lowered:
            return f"repeated its instructions ({phrase!r})"
    for phrase in rules.invented_quotes:
        if phrase.casefold() in lowered:
            return f"spoke for the candidate ({phrase!r})"
    quoted = _invented_quote(text, [*answers, seed])
    if quoted is not None:
        return f"quoted words the candidate never wrote ({quoted[:80]!r})"
    if not text.endswith(_ENDS):
        return "stopped mid-sentence"
    share = shared_share(text, seed, rules)
    if share < rules.min_shared_words:
        return (f"strayed from the library question (it kept {share:.0%} of its key words; "
                f"at least {rules.min_shared_words:.0%} are needed)")
    return None


def sentence_pieces(text: str) -> list[str]:
    """The turn in sentence-sized pieces, for a page that shows it as it arrives."""
    pieces = re.split(r"(?<=[.?!]) +", text)
    return [p + " " for p in pieces[:-1]] + pieces[-1:]
