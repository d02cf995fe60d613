"""The offline grader's fitted scoring layer: how a criterion's signals become a level 1 to 4.

Each criterion kind (topic, structure, trade-offs) blends four general signals of the answer,
the concept credit it earned, its own recipe's credit, the square root of the answer's depth
and the share of the question's topic criteria the answer names anything of (its coverage of
the question's ground, in the rubric's words, plain paraphrases or synonyms, whatever its
length), with non-negative weights, and cuts the blend into levels at three cut-points. Weights
and cut-points are fitted on the labelled calibration sets (interviewer/offline/refit.py) and
live in prompts/offline/fit.yaml, so a refit changes numbers, not code. Non-negative weights
make the layer monotone: more evidence never lowers a level. The caps (off-topic, thin, red
flags, outline ceiling) still apply after it, in grader.py."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from interviewer.paths import prompts_dir
from interviewer.yaml_files import read_model

SIGNALS = ("concept", "recipe", "depth_root", "named")


class Weights(BaseModel):
    """How much each signal adds to a criterion's score; negative weights would let more
    evidence lower a level, so they are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    concept: float = Field(ge=0)  # concepts explained, repeats and reasons (criteria.Tally)
    recipe: float = Field(ge=0)  # the criterion's own recipe: signposts, contrasts, decisions
    depth_root: float = Field(ge=0)  # square root of the answer's summed substance
    named: float = Field(ge=0, default=0.0)  # share of the question's topic criteria named


class KindFit(BaseModel):
    """One criterion kind: the signal weights and the scores where levels 2, 3 and 4 begin."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    weights: Weights
    cuts: tuple[float, float, float]

    @field_validator("cuts")
    @classmethod
    def _rising(cls, cuts: tuple[float, float, float]) -> tuple[float, float, float]:
        if not 0 < cuts[0] < cuts[1] < cuts[2]:
            raise ValueError(f"cut-points must be positive and rising: {list(cuts)}")
        return cuts


class FittedLevels(BaseModel):
    """Every criterion kind the offline grader scores, and no other."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    topic: KindFit
    structure: KindFit
    trade_offs: KindFit = Field(alias="trade-offs")
    fitted_on: list[str] = Field(min_length=1)  # the labelled sets, for the record
    rows: dict[str, int] = Field(default_factory=dict)  # criterion labels fitted, per kind

    def for_kind(self, kind: str) -> KindFit:
        """The fit for a criterion kind (criteria.kind_of)."""
        return self.trade_offs if kind == "trade-offs" else getattr(self, kind)


def default_path() -> Path:
    """Where the shipped fit lives."""
    return prompts_dir() / "offline" / "fit.yaml"


@cache
def load_fit(path: Path | None = None) -> FittedLevels:
    """The fit from YAML; a bad file is a clear error naming the file and the key."""
    return read_model(path or default_path(), FittedLevels)


# A context variable, not a module global: a fold's fit stays with the code that put it in
# place (one thread, one task) and is gone when its block ends, even on an exception.
_active: ContextVar[FittedLevels | None] = ContextVar("offline_fit", default=None)


def active_fit() -> FittedLevels:
    """The fit the grader uses: the shipped file, unless a refit's fold put another in place."""
    return _active.get() or load_fit()


@contextmanager
def fit_in_use(fit: FittedLevels) -> Iterator[FittedLevels]:
    """Grade with `fit` inside the block, the shipped fit again after it (refit.py measures
    each fold this way)."""
    token = _active.set(fit)
    try:
        yield fit
    finally:
        _active.reset(token)


@dataclass(frozen=True, slots=True)
class Signals:
    """What one criterion collected from an answer, before it is turned into a level."""

    concept: float  # concept credit (criteria.Tally.concept_credit)
    recipe: float  # the criterion's own recipe (criteria.Tally.extra)
    depth: float  # the answer's summed substance (analysis.Reading.depth)
    named: float = 0.0  # share of the rubric's topic criteria the answer names anything of


def score(kind: str, signals: Signals, bar: float = 1.0,
          fit: FittedLevels | None = None) -> float:
    """The fitted blend of a criterion's signals; never falls when a signal rises. At a bar
    above 1 (Staff) every signal counts as if the answer had said 1/bar as much: a higher
    target asks for more of everything, whatever the blend's shape."""
    w = (fit or active_fit()).for_kind(kind).weights
    return (w.concept * signals.concept / bar + w.recipe * signals.recipe / bar
            + w.depth_root * math.sqrt(max(0.0, signals.depth) / bar)
            + w.named * signals.named / bar)


def level_of(kind: str, signals: Signals, bar: float = 1.0,
             fit: FittedLevels | None = None) -> int:
    """The 1-4 level the signals reach at the fitted cut-points, for the target level's bar
    (1.0 at Senior, the level the sets were labelled at)."""
    value = score(kind, signals, bar, fit)
    return 1 + sum(value >= c for c in (fit or active_fit()).for_kind(kind).cuts)
