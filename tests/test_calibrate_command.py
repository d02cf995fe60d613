"""`interviewer calibrate`: reports written, thresholds enforced, the page shows the run."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from interviewer.cli import app
from interviewer.settings import Settings
from interviewer.web.app import create_app

runner = CliRunner()
QUESTION = "How would you rate-limit a public API used by thousands of developers?"
STRONG = ("I would give every API key a token bucket refilled at its plan's rate, because "
          "that allows short bursts while stopping one customer from starving the rest. "
          "Callers over the limit get a 429 with a Retry-After header so their client knows "
          "how long to wait. The trade-off is simplicity against fairness, so I would also cap "
          "each account. I would measure the share of throttled calls that later succeed.")


def _item(i: int, answer: str, overall: int, kind: str = "honest") -> dict:
    return {"id": f"t{i}", "area": "api-products", "topic": "rate-limiting",
            "question": QUESTION, "answer": answer, "kind": kind,
            "label": {"overall": overall, "criteria": {"limit-design": overall}}}


def _write_set(path: Path) -> Path:
    items = [_item(1, STRONG, 4), _item(2, "We would add some limits to the API.", 1),
             _item(3, "Token bucket, 429, Retry-After, quotas, tiers.", 1, "keyword-list")]
    path.write_text("\n".join(json.dumps(i) for i in items) + "\n")
    return path


def test_calibrate_writes_reports_and_the_page_shows_the_run(tmp_path: Path,
                                                             monkeypatch) -> None:
    db = tmp_path / "c.db"
    monkeypatch.setenv("INTERVIEWER_DB", str(db))
    out = tmp_path / "out"
    result = runner.invoke(app, ["calibrate", "--model", "offline", "--set",
                                 str(_write_set(tmp_path / "set.jsonl")), "--out", str(out),
                                 "--min-qwk", "-1", "--min-spearman", "-1",
                                 "--min-ranking", "0"])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "calibration.json").read_text())
    assert report["n"] == 3 and report["model"] == "offline"
    assert "QWK" in (out / "calibration.md").read_text()
    settings = Settings(_env_file=None, INTERVIEWER_DB=str(db))
    with TestClient(create_app(settings)) as client:
        page = client.get("/calibration").text
    assert "set.jsonl" in page and "3 items" in page
    assert "No calibration report yet" not in page


def test_calibrate_fails_below_a_threshold(tmp_path: Path) -> None:
    result = runner.invoke(app, ["calibrate", "--set", str(_write_set(tmp_path / "s.jsonl")),
                                 "--out", str(tmp_path), "--min-qwk", "1.01"])
    assert result.exit_code == 1
    assert "< 1.01" in result.output


def test_calibrate_names_a_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(_item(1, STRONG, 4)) + "\n{oops\n")
    result = runner.invoke(app, ["calibrate", "--set", str(path)])
    assert result.exit_code == 2
    assert "bad.jsonl:2: not valid JSON" in result.output


def test_the_llm_model_calibrates_with_the_same_command(tmp_path: Path, monkeypatch) -> None:
    from interviewer.models import llm
    from tests.openai_server import FakeOpenAI, auto_reply

    llm.forget_servers()
    fake = FakeOpenAI(auto_reply).start()
    try:
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "test-key")
        monkeypatch.setenv("INTERVIEWER_DB", str(tmp_path / "llm.db"))
        out = tmp_path / "out"
        result = runner.invoke(app, ["calibrate", "--model", "fake-gpt", "--set",
                                     str(_write_set(tmp_path / "set.jsonl")), "--out", str(out),
                                     "--min-qwk", "-1", "--min-spearman", "-1",
                                     "--min-ranking", "0"])
    finally:
        fake.stop()
        llm.forget_servers()
    # the fake grades everything 3, so the keyword-list rule (<= 2.0) rightly fails
    assert result.exit_code == 1, result.output
    assert "keyword-list: overall <= 2.0 failed for t3" in result.output
    report = json.loads((out / "calibration.json").read_text())
    assert report["n"] == 3 and report["model"] == "fake-gpt"
    graded = [r for r in fake.requests if not r.get("stream")]
    assert len(graded) == 3  # one grading request per answer, through the real SDK
    assert {item["grade"] for item in report["items"]} == {3.0}  # the fake grades all 3


def _strict_reply(request: dict):
    """A model that ranks answers right but one level too strict: 2 for the strong answer,
    1 for the rest, each with a verified quote."""
    from tests.openai_server import Reply, answer_in, grade_content, schema_ids

    answer = answer_in(request)
    score = 3 if "token bucket refilled" in answer else 1
    first = " ".join(answer.split()[:5])
    return Reply.text(grade_content(schema_ids(request), score, [first]), prompt=400,
                      completion=90)


def test_fit_learns_a_map_that_the_grader_then_applies(tmp_path: Path, monkeypatch) -> None:
    from interviewer.models import llm
    from interviewer.models.registry import ModelRegistry
    from tests.openai_server import FakeOpenAI

    llm.forget_servers()
    fake = FakeOpenAI(_strict_reply).start()
    maps = tmp_path / "maps.json"
    labelled = tmp_path / "set.jsonl"
    items = [_item(i, STRONG + f" Variant {i}.", 4) for i in range(4)] + \
            [_item(10 + i, f"We would add some limits to the API {i}.", 2) for i in range(4)]
    labelled.write_text("\n".join(json.dumps(i) for i in items) + "\n")
    try:
        for name, value in {"OPENAI_BASE_URL": fake.base_url, "OPENAI_API_KEY": "k",
                            "INTERVIEWER_DB": str(tmp_path / "fit.db"),
                            "INTERVIEWER_SCORE_MAPS": str(maps)}.items():
            monkeypatch.setenv(name, value)
        result = runner.invoke(app, ["calibrate", "--model", "strict-gpt", "--fit", "--set",
                                     str(labelled), "--out", str(tmp_path / "out"),
                                     "--min-qwk", "-1", "--min-spearman", "-1",
                                     "--min-ranking", "0"])
        assert result.exit_code == 0, result.output
        assert "| before the map |" in result.output and "| after the map |" in result.output
        stored = json.loads(maps.read_text())["strict-gpt"]
        assert stored["levels"]["3"] == 4.0 and stored["levels"]["1"] == 2.0
        after = json.loads((tmp_path / "out" / "calibration.json").read_text())
        assert sorted({i["grade"] for i in after["items"]}) == [2.0, 4.0]
        # the registry hands the stored map to the model, which applies it to new grades
        from interviewer.settings import get_settings

        get_settings.cache_clear()
        model = ModelRegistry(get_settings())("strict-gpt")
        assert model.score_map is not None and model.score_map.apply("limit-design", 3) == 4
    finally:
        fake.stop()
        llm.forget_servers()
