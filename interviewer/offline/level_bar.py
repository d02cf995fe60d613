"""The candidate's target level as the offline grader applies it: how much more or less of
every signal a criterion needs than at the Senior bar (prompts/offline/levels.yaml).

The LLM grader reads the level's bar in words; the offline grader cannot, so the same choice is
made measurable here. Senior is the reference the labelled sets were labelled at."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from interviewer.paths import prompts_dir
from interviewer.taxonomy import LEVELS
from interviewer.yaml_files import read_model

REFERENCE = "senior"


class LevelBar(BaseModel):
    """One level: the factor on every signal's requirement, and what the scorecard says."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    bar: float = Field(gt=0.3, le=3.0)
    note: str = ""


class LevelBars(BaseModel):
    """Every level the library knows, and no other."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    pm: LevelBar
    senior: LevelBar
    staff: LevelBar

    @field_validator("senior")
    @classmethod
    def _reference(cls, bar: LevelBar) -> LevelBar:
        if bar.bar != 1.0:
            raise ValueError("senior is the reference the labelled sets use; its bar must be 1.0")
        return bar


def default_path() -> Path:
    """Where the shipped level bars live."""
    return prompts_dir() / "offline" / "levels.yaml"


@cache
def load_level_bars(path: Path | None = None) -> LevelBars:
    """The level bars from YAML; a bad file is a clear error naming the file and the field."""
    return read_model(path or default_path(), LevelBars)


def level_bar(level: str) -> LevelBar:
    """The bar for a target level; an unknown level is graded at the reference."""
    bars = load_level_bars()
    return getattr(bars, level if level in LEVELS else REFERENCE)
