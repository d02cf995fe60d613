"""What the interviewer says around the library's questions: opening, acknowledgements,
transitions, depth probes and the close.

Pure functions over `prompts/conversation.yaml`, so the words are content a platform PM can
edit. The offline model speaks these lines as written; the LLM gets the same facts through
its prompt and words them itself. Times come from `prompts/speech/delivery.yaml`, the one
place that holds a target per kind of question.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from interviewer.paths import prompts_dir
from interviewer.speech.delivery import load_rules
from interviewer.yaml_files import read_model


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QuoteRules(_Strict):
    min_words: int = Field(ge=1)
    max_words: int = Field(ge=1)
    drop_leading: list[str] = Field(default_factory=list)
    split_long_at: list[str] = Field(default_factory=list)


class CloseAnswer(_Strict):
    ask: list[str] = Field(min_length=1)
    question: str
    answer: str


class Conversation(_Strict):
    interviewer_name: str
    opening: str
    acknowledgements: list[str] = Field(min_length=1)
    plain_acknowledgements: list[str] = Field(min_length=1)
    follow_up_lead_ins: list[str] = Field(min_length=1)
    transitions: list[str] = Field(min_length=1)
    depth_probes: list[str] = Field(min_length=1)
    probe_for_depth_at: float = Field(ge=1, le=4)
    quote: QuoteRules
    close: str
    close_answers: list[CloseAnswer] = Field(min_length=1)
    close_fallback: str


@cache
def load_conversation(path: Path | None = None) -> Conversation:
    """The interviewer's lines from YAML; a bad file is a clear error naming it."""
    return read_model(path or prompts_dir() / "conversation.yaml", Conversation)


def check_conversation(path: Path) -> Conversation:
    """Load the file and fill every template once, so an unknown `{placeholder}` is an
    error naming the file rather than a crash in the middle of an interview."""
    talk = load_conversation.__wrapped__(path)
    try:
        talk.opening.format(name="", count="", minutes=0, focus="")
        for line in talk.acknowledgements:
            line.format(quote="")
    except (KeyError, IndexError, ValueError) as exc:
        raise ValueError(f"{path}: unknown placeholder {exc} in a line") from None
    return talk


def target_seconds(kind: str | None) -> int:
    """How long an answer to this kind of question should take ("follow_up" included)."""
    return load_rules().target_for(kind)


# A clause a quote may come from: split at sentence ends and at the punctuation that joins
# clauses. Only plain words, digits and a few joiners survive, so a quote never carries
# markdown, code or half a URL into the interviewer's turn.
_CLAUSE_SPLIT = re.compile(r"[.!?;:,()\[\]\n\"“”]+|\s[-–—]\s")
_CLEAN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 '’%/-]*[A-Za-z0-9%]$")
_NUMBER = re.compile(r"\d")


def _clauses(answer: str, rules: QuoteRules) -> list[str]:
    """The answer's clauses; one too long to quote is cut again at its joining words."""
    words = "|".join(map(re.escape, rules.split_long_at))
    joins = re.compile(rf"\s(?:{words})\s", re.IGNORECASE) if words else None
    out: list[str] = []
    for clause in _CLAUSE_SPLIT.split(answer):
        clause = " ".join(clause.split())
        if joins is not None and len(clause.split()) > rules.max_words:
            out += [" ".join(c.split()) for c in joins.split(clause)]
        elif clause:
            out.append(clause)
    return [c for c in out if c]


def _trimmed(clause: str, rules: QuoteRules) -> str:
    words = clause.split()
    drop = {w.casefold() for w in rules.drop_leading}
    while words and words[0].casefold() in drop:
        words.pop(0)
    return " ".join(words)


def _quote_score(words: list[str]) -> tuple[int, int, int]:
    """Prefer a clause with a figure in it, then one with long (content) words, then the
    earliest: what a listener would pick out as the answer's point."""
    figures = sum(1 for w in words if _NUMBER.search(w))
    content = sum(1 for w in words if len(w) >= 6)
    return (min(figures, 1), content, -len(words))


def pick_quote(answer: str, rules: QuoteRules | None = None) -> str | None:
    """A short phrase from the answer, word for word, that reads well inside quotation
    marks; None when no clause of the answer is a clean phrase of a sensible length."""
    rules = rules or load_conversation().quote
    best: tuple[tuple[int, int, int], int, str] | None = None
    for position, clause in enumerate(_clauses(answer, rules)):
        phrase = _trimmed(clause, rules)
        words = phrase.split()
        if not rules.min_words <= len(words) <= rules.max_words or not _CLEAN.match(phrase):
            continue
        key = (_quote_score(words), -position, phrase)
        if best is None or key[:2] > best[:2]:
            best = key
    return None if best is None else best[2]


def acknowledgement(answer: str, turn_index: int) -> str:
    """One sentence that refers back to the answer by quoting it."""
    talk = load_conversation()
    quote = pick_quote(answer, talk.quote)
    if quote is None:
        return _nth(talk.plain_acknowledgements, turn_index)
    return _nth(talk.acknowledgements, turn_index).format(quote=quote)


def opening(question_kinds: list[str], focus: str) -> str:
    """The interviewer's introduction: who they are, the format and the time."""
    talk = load_conversation()
    count = len(question_kinds)
    noun = "question" if count == 1 else "questions"
    return talk.opening.format(name=talk.interviewer_name, count=f"{_number(count)} {noun}",
                               minutes=budget_minutes(question_kinds), focus=focus)


def budget_seconds(question_kinds: list[str]) -> int:
    """The whole interview's time budget: each question's target time, plus one follow-up."""
    follow_up = target_seconds("follow_up")
    return sum(target_seconds(k) + follow_up for k in question_kinds)


def budget_minutes(question_kinds: list[str]) -> int:
    return max(1, round(budget_seconds(question_kinds) / 60))


def lead_in(kind: str, number: int, previous_answer: str | None, turn_index: int) -> str:
    """What comes before a follow-up or a later question: an acknowledgement of the last
    answer, then a lead-in (follow-up) or a transition (next question)."""
    if previous_answer is None:
        return ""
    talk = load_conversation()
    joiner = talk.follow_up_lead_ins if kind == "follow_up" else talk.transitions
    return f"{acknowledgement(previous_answer, turn_index)} {_nth(joiner, turn_index + number)}"


def depth_probe(turn_index: int) -> str:
    return _nth(load_conversation().depth_probes, turn_index)


def close_text() -> str:
    return load_conversation().close


def close_reply(asked: str) -> CloseAnswer | None:
    """The prepared reply whose words best match the candidate's question, or None."""
    said = {w.casefold() for w in re.findall(r"[A-Za-z]+", asked)}
    scored = [(len(said & {a.casefold() for a in c.ask}), -i, c)
              for i, c in enumerate(load_conversation().close_answers)]
    hits, _, best = max(scored, key=lambda s: s[:2])
    return best if hits else None


def close_questions() -> list[CloseAnswer]:
    return list(load_conversation().close_answers)


def close_fallback() -> str:
    return load_conversation().close_fallback


def _nth(options: list[str], index: int) -> str:
    return options[index % len(options)]


_SMALL = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def _number(n: int) -> str:
    return _SMALL[n] if 0 <= n < len(_SMALL) else str(n)
