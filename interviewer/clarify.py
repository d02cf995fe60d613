"""Clarifying questions: which of a question's scenario facts a candidate's question asks for.

Real interviewers answer clarifying questions with facts about the scenario, and only the
facts asked for. The facts live in the question's YAML, so every model (offline, an LLM,
a test fake) gives the same answers and none can invent a detail the author did not write.
Matching is deliberately plain: a fact is revealed when the candidate's question contains
one of the words or phrases its author listed under `ask`, compared word by word after a
plural-to-singular step, so "What volumes do you see?" finds `ask: [volume]`.
"""

from __future__ import annotations

import re

from interviewer.library import Fact, Question

MAX_PER_QUESTION = 5  # past this, the interviewer asks the candidate to assume and answer
NO_FACT = ("That isn't something I can add for this scenario. Make a reasonable assumption, "
           "say it out loud, and carry on.")
TOO_MANY = ("Let's stop clarifying here: state any assumptions you still need and give "
            "your answer.")
_WORD = re.compile(r"[a-z0-9]+")


def _stem(word: str) -> str:
    """Plural to singular, roughly: enough for "volumes" to find "volume"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _words(text: str) -> list[str]:
    return [_stem(w) for w in _WORD.findall(text.lower())]


def _contains(words: list[str], phrase: list[str]) -> bool:
    n = len(phrase)
    return n > 0 and any(words[i:i + n] == phrase for i in range(len(words) - n + 1))


def fact_score(fact: Fact, asked: str) -> int:
    """How strongly `asked` points at this fact: the words of its longest matching phrase."""
    words = _words(asked)
    return max((len(p) for p in map(_words, fact.ask) if _contains(words, p)), default=0)


def matching_facts(question: Question, asked: str) -> list[Fact]:
    """The facts a clarifying question asks for: every fact with the best score above zero."""
    scored = [(fact_score(f, asked), f) for f in question.facts]
    best = max((s for s, _ in scored), default=0)
    return [f for s, f in scored if best and s == best]


def reply(question: Question, asked: str, already_asked: int = 0) -> str:
    """What the interviewer says back: the matching facts, or a nudge to assume and go on."""
    if already_asked >= MAX_PER_QUESTION:
        return TOO_MANY
    facts = matching_facts(question, asked)
    return " ".join(f.fact for f in facts) if facts else NO_FACT
