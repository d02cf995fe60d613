"""The cues that tell text addressed to the grader from an answer, loaded from
`prompts/offline/injection.yaml`: the names an injection calls the grader, role lines, chat
markup, tags, the words of grading, and the directive patterns.

The knowledge lives in that file, where a platform PM can read and correct it; this module
loads it once, checks it (`interviewer check` calls `load_injection_cues`) and builds the
patterns `injection.py` matches with."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from interviewer.offline.lexicon import any_of, pattern_list
from interviewer.paths import prompts_dir
from interviewer.yaml_files import read_model

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")  # {grader}; quantifiers like {0,25} never match


class _Lists(BaseModel):
    """A block of pattern lists, each checked the same way."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("*")
    @classmethod
    def _compiles(cls, alternatives: list[str]) -> list[str]:
        return pattern_list(alternatives)


class Names(_Lists):
    """What a directive may name: {grader}, {strict_grader}, {top_score}, {reward}, {scope}."""

    grader: list[str]
    strict_grader: list[str]
    top_score: list[str]
    reward: list[str]
    scope: list[str]


class RoleMarker(_Lists):
    """A line that opens as a chat role ("SYSTEM:"), with an optional word after the role;
    a weak role ("model:") counts only in a sentence that also talks about the grading."""

    roles: list[str]
    weak_roles: list[str]
    suffixes: list[str]


class VerdictClaims(_Lists):
    """A verdict (the top score, a demand to score) and what aims it at this answer or its
    grader: a sentence holding both is addressed to the grader."""

    verdict: list[str]
    aimed_at: list[str]


class Tagged(_Lists):
    """Tag names whose opening and closing tags enclose text addressed to the grader."""

    bracket: list[str]
    angle: list[str]


class InjectionCues(BaseModel):
    """The whole file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    names: Names
    role_marker: RoleMarker
    lead_ins: list[str]
    markup: list[str]
    tagged: Tagged
    meta: list[str]
    directives: list[str]
    verdict_claims: VerdictClaims

    @field_validator("lead_ins", "markup", "meta")
    @classmethod
    def _compiles(cls, alternatives: list[str]) -> list[str]:
        return pattern_list(alternatives)

    @model_validator(mode="after")
    def _directives_compile(self) -> InjectionCues:
        """Every directive names only known lists and compiles once they are filled in."""
        if not self.directives:
            raise ValueError("directives: the list is empty")
        for i, directive in enumerate(self.directives):
            unknown = set(_PLACEHOLDER.findall(directive)) - set(Names.model_fields)
            if unknown:
                raise ValueError(f"directives.{i}: unknown name {{{sorted(unknown)[0]}}}; "
                                 f"use one of {', '.join(Names.model_fields)}")
            try:
                re.compile(filled(directive, self.names))
            except re.error as exc:
                raise ValueError(f"directives.{i}: {directive!r} is not a valid pattern: "
                                 f"{exc}") from None
        return self


def filled(directive: str, names: Names) -> str:
    """The directive with each {name} replaced by "any of that list"."""
    return _PLACEHOLDER.sub(lambda m: any_of(getattr(names, m.group(1))), directive)


def default_path() -> Path:
    """Where the shipped cues live."""
    return prompts_dir() / "offline" / "injection.yaml"


@cache
def load_injection_cues(path: Path | None = None) -> InjectionCues:
    """The cues from YAML; a bad file is a clear error naming the file and the field."""
    return read_model(path or default_path(), InjectionCues)


CUES = load_injection_cues()
# possessive (`*+`): whitespace either side of the brackets is never given back, so a long
# run of spaces is scanned once instead of split every possible way


def _role_line(roles: list[str]) -> re.Pattern[str]:
    """A line that opens as one of `roles`, bracketed or not, with an optional suffix."""
    return re.compile(
        r"^\s*+[\[<(#*>{-]*+\s*+" + any_of(roles)
        + r"(?:\s+" + any_of(CUES.role_marker.suffixes) + r")?\s*+[\]>)*}]*+\s*+:",
        re.IGNORECASE)


ROLE_MARKER = _role_line(CUES.role_marker.roles)
WEAK_ROLE_MARKER = _role_line(CUES.role_marker.weak_roles)
# matched against a fragment stripped of LEAD_IN_OPENERS, so it never starts with a run
LEAD_IN = re.compile(any_of(CUES.lead_ins) + r"[\s:,.\-\u2014\u2013)\]]*+", re.IGNORECASE)
LEAD_IN_OPENERS = " \t\n([-\u2014\u2013"
VERDICT = re.compile(any_of(CUES.verdict_claims.verdict), re.IGNORECASE)
AIMED_AT = re.compile(any_of(CUES.verdict_claims.aimed_at), re.IGNORECASE)
MARKUP = re.compile("|".join(CUES.markup), re.IGNORECASE)
DIRECTIVE = re.compile("|".join(f"(?:{filled(d, CUES.names)})" for d in CUES.directives),
                       re.IGNORECASE | re.DOTALL)
META = re.compile(r"\b" + any_of(CUES.meta) + r"\b", re.IGNORECASE)
# Everything between an opening grader tag and its closing tag ("[GRADER OVERRIDE] ...
# [/GRADER OVERRIDE]", "<system> ... </system>") is addressed to the grader, sentence by sentence.
TAGGED = re.compile(
    r"\[\s*(" + "|".join(CUES.tagged.bracket) + r")\b[^\]\n]{0,40}\].{0,2000}?\[/\s*\1\b"
    r"[^\]\n]{0,40}\]|<\s*(" + "|".join(CUES.tagged.angle) + r")\s*>.{0,2000}?</\s*\2\s*>",
    re.IGNORECASE | re.DOTALL)
