"""Realistic model output, replayed: grading replies that a capable stand-in model
(Claude, Anthropic) wrote for 18 recorded grading requests on two blind-holdout questions go
back through the real SDK path, quote checks, caps and red flags. A second set, 15 replies to
one question of the thirteenth blind holdout, was written after red flags joined the reply
schema, so a red flag the model names is tested on realistic output too. See
calibration/replay.py.
"""

from __future__ import annotations

import asyncio
import importlib.util
from pathlib import Path

import pytest

from interviewer.calibration_fit import with_map
from interviewer.llm.score_map import fit

HERE = Path(__file__).parent / "fixtures" / "replay"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def replay():
    spec = importlib.util.spec_from_file_location("replay", ROOT / "calibration" / "replay.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _replayed(replay, items_path: Path, replies_path: Path, maps: Path):
    from interviewer.models import llm

    llm.forget_servers()
    missing: list[str] = []
    server = replay.replay_server(replay.load_replies(replies_path), missing)
    try:
        items, _, report = asyncio.run(replay._calibrate(items_path, server, "stand-in", maps,
                                                         raw=True))
    finally:
        server.stop()
        llm.forget_servers()
    return items, report, missing


@pytest.fixture(scope="module")
def graded(replay, tmp_path_factory):
    maps = tmp_path_factory.mktemp("maps") / "none.json"
    return _replayed(replay, HERE / "items.jsonl", HERE / "replies.jsonl", maps)


@pytest.fixture(scope="module")
def flagged(replay, tmp_path_factory):
    """The thirteenth holdout's answers to one question (api-sdk-major-version-old-runtimes),
    with the replies the stand-in wrote after red flags joined the reply schema."""
    maps = tmp_path_factory.mktemp("maps") / "none.json"
    return _replayed(replay, HERE / "red-flag-items.jsonl", HERE / "red-flag-replies.jsonl",
                     maps)


def test_every_recorded_request_finds_its_reply(graded):
    items, report, missing = graded
    assert missing == [], "the grading prompt's question or answer fencing changed"
    assert report.n == len(items) == 16
    assert [r.id for r in report.items if r.fallback] == []
    assert all(r.detail.grader == "openai:stand-in" for r in report.items)


def test_quotes_are_verified_and_injections_flagged(graded):
    items, report, _ = graded
    for r in report.items:
        answer = next(i.answer for i in items if i.id == r.id)
        for c in r.detail.criteria:
            assert all(q in answer or q.lower() in answer.lower() for q in c.evidence) or \
                not c.evidence
            if not c.evidence:
                assert c.score <= 2  # a score without a verified quote is capped
    injections = [r for r in report.items if r.kind == "injection"]
    assert injections and all("instructions-to-grader" in r.flags for r in injections)
    assert all(r.grade <= r.clean_grade + 0.25 for r in injections)


def test_realistic_output_ranks_and_the_map_keeps_the_order(graded):
    items, report, _ = graded
    assert report.ranking >= 0.8  # measured 2026-11-30 on these 16 answers; see README
    pairs = {}
    for r in report.items:
        for c in r.detail.criteria:
            if c.id in r.label_criteria:
                pairs.setdefault(c.id, []).append((c.score, r.label_criteria[c.id]))
    after = with_map(report, items, fit(pairs, "stand-in", "fixture"))
    assert after.ranking >= report.ranking - 0.05
    wrong = [r for r in after.items if r.kind == "wrong-design"]
    assert wrong and all(r.grade <= 2.0 for r in wrong)


def test_a_red_flag_the_model_names_sinks_the_wrong_design_with_its_quote(flagged):
    items, report, missing = flagged
    assert missing == [] and [r.id for r in report.items if r.fallback] == []
    answers = {i.id: i.answer for i in items}
    wrong = [r for r in report.items if r.kind == "wrong-design"]
    assert wrong
    for r in wrong:
        hits = r.detail.red_flags
        assert hits and all(h.quote in answers[r.id] and h.why for h in hits)
        assert r.grade <= max(1.0, min(h.cap for h in hits) - 0.5)
    strong = [r for r in report.items if r.kind == "honest" and r.label >= 3]
    assert strong and all(not r.detail.red_flags for r in strong)


def test_the_bundle_shows_each_group_its_reply_schema(replay, tmp_path):
    """A stand-in that never sees the json_schema the request was sent with guesses the reply's
    shape (the eighth holdout's three stand-ins wrote `criteria` as a list, not an object keyed
    by criterion), so the bundle prints the schema once per question group."""
    import json

    schema = {"type": "object", "properties": {"criteria": {"type": "object"}},
              "required": ["criteria"]}
    rows = [{"key": f"k{n}", "messages": [{"role": "system", "content": "rubric"},
                                          {"role": "user", "content": f"answer {n}"}],
             "response_format": {"type": "json_schema",
                                 "json_schema": {"name": "grade", "schema": schema}}}
            for n in range(2)]
    requests = tmp_path / "requests.jsonl"
    requests.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    replay.bundle(requests, tmp_path / "out", parts=1)
    text = (tmp_path / "out" / "part-1.md").read_text(encoding="utf-8")
    assert text.count("## REPLY SCHEMA") == 1
    shown = text.split("```json\n")[1].split("\n```")[0]
    assert json.loads(shown) == schema
    assert text.index("## REPLY SCHEMA") < text.index("## REQUEST key=k0")
