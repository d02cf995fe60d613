"""The README's screenshots: the script that takes them names the three pages issue 12 asks
for, and the committed PNGs are there, 1280 pixels wide, small, and shown in the README.
(Running the script takes about half a minute of Chromium, so it is run by hand.)"""

from __future__ import annotations

import importlib.util
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _script():
    spec = importlib.util.spec_from_file_location("screenshots", ROOT / "scripts/screenshots.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["screenshots"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)  # importing it starts nothing: no server, no browser
    return module


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


def test_the_script_shoots_the_interview_the_scorecard_and_progress() -> None:
    shots = _script()
    assert [s.file for s in shots.SHOTS] == ["interview.png", "scorecard.png", "progress.png"]
    assert shots.OUT == ROOT / "docs" / "screenshots"
    assert shots.progress_path(True) == "/progress"
    assert shots.progress_path(False) == "/history"  # before the Progress page existed


def test_the_committed_screenshots_are_small_and_in_the_readme() -> None:
    shots = _script()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for shot in shots.SHOTS:
        path = shots.OUT / shot.file
        width, height = _png_size(path)
        assert width == shots.VIEWPORT["width"] and height <= shots.MAX_HEIGHT, (path, width,
                                                                                 height)
        assert path.stat().st_size < 200_000, f"{path} is not optimised"
        assert f"](docs/screenshots/{shot.file})" in readme, f"the README does not show {path}"
