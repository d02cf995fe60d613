"""The shipped red-flag cues against every labelled answer: a cue edit that starts sinking an
answer its labeller scored 3 or more on the capped criterion fails here, not on a candidate."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from interviewer.paths import data_root


def test_no_red_flag_fires_against_a_criterion_labelled_three_or_more(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    path = data_root() / "calibration" / "red_flag_check.py"
    spec = importlib.util.spec_from_file_location("red_flag_check", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(sys, "argv", ["red_flag_check.py"])
    code = module.main()
    out = capsys.readouterr().out
    assert "FALSE ALARM" not in out, [line for line in out.splitlines() if "FALSE" in line]
    assert code == 0
    # and the check is not vacuous: the labelled wrong designs do raise flags
    assert int(out.strip().splitlines()[-1].split()[0]) >= 50
