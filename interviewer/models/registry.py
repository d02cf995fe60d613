"""Choosing a model by name: `offline`, or any model an OpenAI-compatible server offers."""

from __future__ import annotations

from interviewer.models.base import InterviewModel
from interviewer.settings import Settings

OFFLINE = "offline"


class UnknownModel(ValueError):
    """The model cannot be used with the current settings; the message says what to set."""


def llm_configured(settings: Settings) -> bool:
    return settings.has_api_key or bool(settings.openai_base_url)


def default_model_name(settings: Settings) -> str:
    """INTERVIEWER_MODEL if set; otherwise the catalog's default LLM with a key, else offline."""
    if settings.model:
        return settings.model
    if llm_configured(settings):
        from interviewer.models.catalog import load_catalog

        return load_catalog().default_model
    return OFFLINE


def model_choices(settings: Settings) -> list[tuple[str, str]]:
    """(value, label) pairs for the home page's model picker."""
    choices = [(OFFLINE, "Offline model and offline grader (no API key needed)")]
    if llm_configured(settings):
        name = default_model_name(settings)
        if name != OFFLINE:
            choices.insert(0, (name, f"{name} via {settings.openai_base_url or 'OpenAI'}"))
    return choices


def describe(name: str) -> str:
    return "offline model (offline grader)" if name == OFFLINE else f"openai:{name}"


class ModelRegistry:
    """Builds each model once per process (one HTTP client per process for LLMs)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._models: dict[str, InterviewModel] = {}

    def __call__(self, name: str) -> InterviewModel:
        if name not in self._models:
            self._models[name] = self._build(name)
        return self._models[name]

    def _build(self, name: str) -> InterviewModel:
        if not name or not name.strip():
            raise UnknownModel("the model name is empty; use 'offline' or a model name")
        if name == OFFLINE:
            from interviewer.models.offline import OfflineModel

            return OfflineModel()
        if not llm_configured(self.settings):
            raise UnknownModel(f"model {name!r} needs OPENAI_API_KEY (or OPENAI_BASE_URL for an "
                               "OpenAI-compatible server); without them use --model offline")
        from interviewer.llm.score_map import load_maps
        from interviewer.models.llm import LLMModel

        model = LLMModel(name, self.settings)
        model.score_map = load_maps(self.settings.score_maps).get(name)
        return model
