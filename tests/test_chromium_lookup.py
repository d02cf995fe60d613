"""The browser tests find Chromium wherever it is installed, and fail when it is not."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tests import chromium


def _no_chromium_anywhere(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(chromium, "KNOWN_PATHS", ("/nonexistent/chromium",))


def test_chromium_outside_usr_bin_is_found_on_the_path(monkeypatch: pytest.MonkeyPatch,
                                                       tmp_path: Path) -> None:
    binary = tmp_path / "bin" / "chromium"
    binary.parent.mkdir()
    binary.write_text("#!/bin/sh\n")
    binary.chmod(binary.stat().st_mode | stat.S_IXUSR)
    _no_chromium_anywhere(monkeypatch, tmp_path)
    monkeypatch.setenv("PATH", str(binary.parent))
    assert chromium.find_chromium() == str(binary)


def test_a_missing_chromium_fails_the_test_instead_of_skipping_it(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _no_chromium_anywhere(monkeypatch, tmp_path)
    with pytest.raises(pytest.fail.Exception, match="Chromium is not installed"):
        chromium.require_chromium()
