"""Where the browser tests find Chromium. They fail, never skip, when it is missing: a skipped
browser test once hid a broken page in CI."""

from __future__ import annotations

import os
import shutil

import pytest

NAMES = ("chromium", "chromium-browser")
KNOWN_PATHS = ("/usr/bin/chromium", "/usr/lib/chromium/chromium", "/usr/bin/chromium-browser",
               "/snap/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def find_chromium() -> str | None:
    """`$CHROMIUM` if set, else the first Chromium on PATH or at a known install path."""
    if os.environ.get("CHROMIUM"):
        return os.environ["CHROMIUM"]
    for candidate in [*(shutil.which(name) for name in NAMES), *KNOWN_PATHS]:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def require_chromium() -> str:
    """The Chromium executable, or a failed test that says how to install it."""
    path = find_chromium()
    if path is None:
        pytest.fail("Chromium is not installed, so the browser tests cannot run: "
                    "`apt-get install chromium fonts-dejavu-core` (.ci/run does this), or set "
                    "CHROMIUM to its path", pytrace=False)
    return path
