"""How many tokens the model server holds in its context, from where the server says so.

Local servers are often started with a context far smaller than INTERVIEWER_CONTEXT_TOKENS
(llama.cpp defaults to 2,048 tokens). llama.cpp's server reports its size at `/props`; vLLM,
LM Studio and OpenRouter put it in `/v1/models`; llama-cpp-python tells nobody until a
request is too long, and then names the size in its error. Each source is read here, so the
prompt budget can use the smaller figure and a fallback note can say where it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx

_SIZE_KEYS = ("n_ctx", "max_model_len", "context_length", "context_window", "max_context_length")
_ERROR_SIZE = (
    re.compile(r"maximum context length is ([\d,]+)", re.IGNORECASE),
    re.compile(r"context (?:window|size|length) of ([\d,]+)", re.IGNORECASE),
    re.compile(r"\bn_ctx\b\W{0,4}([\d,]+)", re.IGNORECASE),
    re.compile(r"available context size \(([\d,]+)", re.IGNORECASE),
)
_ERROR_WORDS = ("context_length_exceeded", "exceed_context_size", "context length",
                "context window", "context size", "maximum context")


@dataclass(frozen=True)
class ServerContext:
    """The server's context size in tokens and where that figure came from."""

    tokens: int
    source: str  # "its /props", "its /v1/models", "its first context-length error"


def _positive(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 \
        else None


def context_from_props(data: Any) -> int | None:
    """llama.cpp's `/props`: `default_generation_settings.n_ctx`, or `n_ctx` at the top."""
    if not isinstance(data, dict):
        return None
    settings = data.get("default_generation_settings")
    if isinstance(settings, dict) and _positive(settings.get("n_ctx")):
        return settings["n_ctx"]
    return _positive(data.get("n_ctx"))


def context_from_models(data: Any, model: str) -> int | None:
    """The runtime context of `model` in a `/v1/models` listing (never `n_ctx_train`, which
    is what the weights were trained on, not what the server allocated)."""
    entries = data.get("data") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return None
    mine = [e for e in entries if isinstance(e, dict) and e.get("id") == model]
    candidates = mine or (entries if len(entries) == 1 else [])
    for entry in candidates:
        if not isinstance(entry, dict):
            continue
        meta = entry.get("meta") if isinstance(entry.get("meta"), dict) else {}
        for key in _SIZE_KEYS:
            size = _positive(entry.get(key)) or _positive(meta.get(key))
            if size:
                return size
    return None


def is_context_error(text: str) -> bool:
    """Whether an error body says the prompt is longer than the context."""
    lowered = text[:4000].lower()
    return any(word in lowered for word in _ERROR_WORDS)


def context_from_error(text: str) -> int | None:
    """The context size an error message names, if it names one."""
    for pattern in _ERROR_SIZE:
        found = pattern.search(text[:4000])
        if found:
            size = int(found.group(1).replace(",", ""))
            return size if size > 0 else None
    return None


async def discover_context(base_url: str, model: str, timeout: float) -> ServerContext | None:
    """Ask the server for its context size; None when it does not say (or is not there)."""
    root = re.sub(r"/v1/?$", "", base_url)
    async with httpx.AsyncClient(timeout=timeout) as client:
        for url, read, source in ((f"{root}/props", context_from_props, "its /props"),
                                  (f"{base_url}/models",
                                   lambda d: context_from_models(d, model), "its /v1/models")):
            try:
                response = await client.get(url)
                size = read(response.json()) if response.status_code == 200 else None
            except (httpx.HTTPError, ValueError):
                size = None
            if size:
                return ServerContext(size, source)
    return None
