"""Delivery feedback for a spoken answer: pace, fillers, long pauses and talk time.

Pure functions over a transcript's timed words; what counts as a filler and what a good
range is live in `prompts/speech/delivery.yaml`, where a coach can edit them.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from interviewer.paths import prompts_dir
from interviewer.yaml_files import read_model


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FillerRules(_Strict):
    words: list[str]
    phrases: list[str]
    like_exceptions: dict[str, list[str]] = Field(default_factory=dict)


class RangeRule(_Strict):
    low: float | None = None
    high: float | None = None
    advice_low: str = ""
    advice_high: str = ""
    advice_ok: str


class DeliveryRules(_Strict):
    fillers: FillerRules
    pauses: dict[str, float]
    ranges: dict[str, RangeRule]
    target_seconds: dict[str, int]

    def target_for(self, kind: str | None) -> int:
        return self.target_seconds.get(kind or "", self.target_seconds["default"])


class Word(_Strict):
    """One transcribed word with its start and end in seconds."""

    text: str
    start: float = Field(ge=0)
    end: float = Field(ge=0)


class Figure(_Strict):
    """One delivery figure, the range it is judged against, and what to do about it."""

    name: str
    value: float
    unit: str
    good: str
    verdict: str  # "ok", "low" or "high"
    advice: str


class Delivery(_Strict):
    """Delivery figures for one spoken answer."""

    seconds: float
    words: int
    words_per_minute: float
    fillers: int
    fillers_per_minute: float
    top_fillers: list[tuple[str, int]]
    long_pauses: int | None
    longest_pause: float | None
    target_seconds: int
    figures: list[Figure]

    @property
    def overtime(self) -> float:
        return max(0.0, self.seconds - self.target_seconds)


@cache
def load_rules(path: Path | None = None) -> DeliveryRules:
    """The delivery rules from YAML; a bad file is a clear error naming it."""
    return read_model(path or prompts_dir() / "speech" / "delivery.yaml", DeliveryRules)


_TOKEN = re.compile(r"[a-z']+|,")


def tokens(text: str) -> list[str]:
    """Lower-case word tokens of a transcript, with commas kept as tokens: a comma either
    side of "like" marks it as a filler."""
    return _TOKEN.findall(text.lower())


def count_fillers(said: list[str], rules: FillerRules) -> Counter[str]:
    """Count filler words and phrases in lower-case tokens; "like" as a verb or a
    comparison ("I like", "looks like a") is not a filler."""
    return Counter(" ".join(said[i:i + n]) for i, n in filler_spans(said, rules))


def filler_spans(said: list[str], rules: FillerRules) -> list[tuple[int, int]]:
    """Where the fillers stand in lower-case tokens, as (first token, token count)."""
    singles = set(rules.words)
    phrases = sorted((p.split() for p in rules.phrases), key=len, reverse=True)
    before = set(rules.like_exceptions.get("before", []))
    after = set(rules.like_exceptions.get("after", []))
    found: list[tuple[int, int]] = []
    i = 0
    while i < len(said):
        if said[i] in singles:
            found.append((i, 1))
            i += 1
            continue
        for phrase in phrases:
            if said[i:i + len(phrase)] != phrase:
                continue
            if phrase == ["like"] and _like_is_meaningful(said, i, before, after):
                break
            found.append((i, len(phrase)))
            i += len(phrase) - 1
            break
        i += 1
    return found


def without_fillers(said: list[str], rules: FillerRules) -> list[str]:
    """The tokens with every filler left out: what the content grader reads of speech."""
    gone = {i + k for i, n in filler_spans(said, rules) for k in range(n)}
    return [w for i, w in enumerate(said) if i not in gone]


def _like_is_meaningful(said: list[str], i: int, before: set[str], after: set[str]) -> bool:
    prev = said[i - 1] if i > 0 else ""
    nxt = said[i + 1] if i + 1 < len(said) else ""
    if "," in (prev, nxt):
        return False
    return prev in before or nxt in after


def pauses(words: list[Word], threshold: float) -> list[float]:
    """Silences between consecutive words longer than `threshold` seconds."""
    gaps = (b.start - a.end for a, b in zip(words, words[1:], strict=False))
    return [round(g, 2) for g in gaps if g > threshold]


def measure(text: str, words: list[Word], seconds: float, kind: str | None = None,
            rules: DeliveryRules | None = None) -> Delivery:
    """Delivery figures for a transcript of `seconds` of audio; pauses need `words` with
    timings, and an engine that gives none leaves them unmeasured."""
    rules = rules or load_rules()
    said = tokens(text)
    words_said = [t for t in said if t != ","]
    minutes = max(seconds, 1.0) / 60
    fillers = count_fillers(said, rules.fillers)
    long = pauses(words, rules.pauses["long_pause_seconds"])
    n_fill = sum(fillers.values())
    wpm = round(len(words_said) / minutes, 1)
    fpm = round(n_fill / minutes, 1)
    target = rules.target_for(kind)
    figures = [
        _judge("Pace", wpm, "words a minute", rules.ranges["words_per_minute"]),
        _judge("Fillers", fpm, "a minute", rules.ranges["fillers_per_minute"]),
        _talk_time(seconds, target),
    ]
    if words:
        figures.insert(2, _judge("Long pauses", float(len(long)), "pauses",
                                 rules.ranges["long_pauses"]))
    return Delivery(seconds=round(seconds, 1), words=len(words_said), words_per_minute=wpm,
                    fillers=n_fill, fillers_per_minute=fpm,
                    top_fillers=fillers.most_common(3),
                    long_pauses=len(long) if words else None,
                    longest_pause=max(long, default=0.0) if words else None, target_seconds=target,
                    figures=figures)


def _judge(name: str, value: float, unit: str, rule: RangeRule) -> Figure:
    if rule.low is not None and value < rule.low:
        verdict, advice = "low", rule.advice_low
    elif rule.high is not None and value > rule.high:
        verdict, advice = "high", rule.advice_high
    else:
        verdict, advice = "ok", rule.advice_ok
    return Figure(name=name, value=value, unit=unit, good=_good(rule), verdict=verdict,
                  advice=" ".join(advice.split()))


def _good(rule: RangeRule) -> str:
    if rule.low is not None and rule.high is not None:
        return f"{rule.low:g} to {rule.high:g}"
    if rule.high is not None:
        return f"at most {rule.high:g}"
    return f"at least {rule.low:g}"


def _talk_time(seconds: float, target: int) -> Figure:
    over = seconds - target
    if over > 0:
        advice = (f"{_clock(over)} over the {_clock(target)} target: lead with your decision "
                  "and cut the background.")
        verdict = "high"
    else:
        advice = f"Within the {_clock(target)} target for this kind of question."
        verdict = "ok"
    return Figure(name="Talk time", value=round(seconds, 1), unit="seconds",
                  good=f"up to {_clock(target)}", verdict=verdict, advice=advice)


def _clock(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 60}:{s % 60:02d}"
