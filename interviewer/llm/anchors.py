"""Graded anchor answers for the LLM grader's prompt: one per level for each topic.

Anchors show the model how strict each level is on this project's scale, which raises
agreement with expert labels more than level descriptions alone. They live in
`prompts/anchors.yaml`, chosen from the blind tuning set by `calibration/make_anchors.py`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from interviewer import paths
from interviewer.yaml_files import read_model


class Anchor(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    level: int = Field(ge=1, le=4)
    label: float = Field(ge=1, le=4)
    source: str
    question: str = Field(min_length=10)
    answer: str = Field(min_length=1)
    why: str = ""


class AnchorFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    anchors: dict[str, list[Anchor]]


@cache
def load_anchors(path: Path | None = None) -> dict[str, list[Anchor]]:
    """Anchors by topic; none when the file is absent. A malformed file is an error naming it."""
    path = path or paths.prompts_dir() / "anchors.yaml"
    if not path.exists():
        return {}
    return read_model(path, AnchorFile).anchors


def anchors_for(topic: str) -> list[Anchor]:
    return sorted(load_anchors().get(topic, []), key=lambda a: a.level)
