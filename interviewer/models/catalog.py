"""The model catalog: the default LLM and per-token prices, read from `prompts/models.yaml`."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from interviewer import paths
from interviewer.scoring import Usage

PER_MILLION = 1_000_000


class ModelInfo(BaseModel):
    """Prices in US dollars per million tokens, and how the model takes its parameters."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    input: float = Field(ge=0)
    cached_input: float = Field(ge=0)
    output: float = Field(ge=0)
    reasoning: bool = False

    def cost(self, usage: Usage) -> float:
        """Estimated dollars for one request's usage; cached prompt tokens at their own price."""
        fresh = max(0, usage.prompt_tokens - usage.cached_tokens)
        dollars = (fresh * self.input + usage.cached_tokens * self.cached_input
                   + usage.completion_tokens * self.output) / PER_MILLION
        return round(dollars, 6)


UNPRICED = ModelInfo(input=0, cached_input=0, output=0)


class Catalog(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    default_model: str = Field(min_length=1)
    models: dict[str, ModelInfo] = Field(default_factory=dict)

    def info(self, model: str) -> ModelInfo:
        """The longest catalog entry `model` starts with; unpriced (cost 0) when none does."""
        bare = model.rsplit("/", 1)[-1]
        matches = [name for name in self.models if bare.startswith(name)]
        return self.models[max(matches, key=len)] if matches else UNPRICED


class CatalogError(ValueError):
    """The catalog file is missing or invalid; the message names the file and field."""


def read_catalog(path: Path) -> Catalog:
    """Load and validate one catalog file."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Catalog.model_validate(raw)
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(f"{path.name}: cannot read: {exc}") from None
    except ValidationError as exc:
        where = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise CatalogError(f"{path.name}: {where}") from None


@cache
def load_catalog() -> Catalog:
    """The installed catalog, read once per process."""
    return read_catalog(paths.prompts_dir() / "models.yaml")
