"""Where the library files live: beside the package in a checkout, inside it once installed."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_root() -> Path:
    """The folder holding `prompts/`, `rubrics/` and `web/`."""
    installed = _PACKAGE / "_data"
    if (installed / "rubrics").is_dir():
        return installed
    return _PACKAGE.parent


def prompts_dir() -> Path:
    return data_root() / "prompts"


def web_dir() -> Path:
    return data_root() / "web"


def calibration_dir() -> Path:
    return data_root() / "calibration"
