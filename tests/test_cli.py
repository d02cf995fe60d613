"""The `interviewer` command, driven through Typer's runner with exact checks on its output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from interviewer.cli import app
from interviewer.storage import LOCAL_OWNER, Store

runner = CliRunner()

STRONG = ("I would give each API key a token bucket, refilled at the plan's rate, because it "
          "allows short bursts without letting one customer starve the others. When a caller "
          "is over the limit we return 429 with a Retry-After header, so their client knows "
          "exactly how long to wait instead of retrying in a loop. The trade-off is that a "
          "per-key limit is simple to explain but a noisy tenant with many keys can still hurt "
          "neighbours, so we also cap per account. I would measure success by the share of "
          "429s that lead to a successful retry and by support tickets about throttling.")


def test_every_command_has_quickstart_help() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ["serve", "practice", "grade", "questions", "check"]:
        assert command in result.output
        sub = runner.invoke(app, [command, "--help"])
        assert sub.exit_code == 0, command
    assert "--host" in runner.invoke(app, ["serve", "--help"]).output
    assert "interviewer grade --jsonl" in runner.invoke(app, ["grade", "--help"]).output


def test_questions_as_json_filters_by_area_and_topic() -> None:
    result = runner.invoke(app, ["questions", "--area", "data-platforms", "--topic",
                                 "observability", "--format", "json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert found and all(q["area"] == "data-platforms" and q["topic"] == "observability"
                         for q in found)
    assert {"id", "text", "follow_ups", "strong_answer", "level", "kind", "facts"} <= set(found[0])


def test_unknown_area_is_a_clear_error() -> None:
    result = runner.invoke(app, ["questions", "--area", "payments"])
    assert result.exit_code == 2
    assert "unknown area 'payments'; choose one of: api-products" in result.output


def test_grade_one_answer_as_json(tmp_path: Path) -> None:
    answer = tmp_path / "answer.txt"
    answer.write_text(STRONG)
    result = runner.invoke(app, ["grade", "--area", "api-products", "--topic", "rate-limiting",
                                 "--question", "How would you rate-limit a public API?",
                                 "--answer-file", str(answer), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["grader"] == "offline"
    assert 1.0 <= data["overall"] <= 4.0
    quotes = [q for c in data["criteria"] for q in c["evidence"]]
    assert quotes and all(q in STRONG for q in quotes)


def test_grade_jsonl_prints_one_result_per_line_and_names_bad_lines(tmp_path: Path) -> None:
    lines = [
        {"id": "a", "area": "api-products", "topic": "rate-limiting",
         "question": "How would you rate-limit a public API?", "answer": STRONG},
        {"id": "b", "area": "api-products", "topic": "rate-limiting",
         "question": "How would you rate-limit a public API?", "answer": "Use limits."},
        {"id": "c", "area": "mars", "topic": "rate-limiting", "question": "q", "answer": "x"},
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(json.dumps(item) for item in lines) + "\n{not json\n")
    result = runner.invoke(app, ["grade", "--jsonl", str(path)])
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.exit_code == 1  # some lines failed
    assert [o.get("id") for o in out[:2]] == ["a", "b"]
    assert out[0]["overall"] > out[1]["overall"]
    assert set(out[0]) >= {"id", "overall", "criteria", "grader"}
    assert out[2]["line"] == 3 and "area" in out[2]["error"]
    assert out[3]["line"] == 4 and "error" in out[3]


def test_grade_without_enough_arguments_explains_itself() -> None:
    result = runner.invoke(app, ["grade", "--area", "api-products"])
    assert result.exit_code == 2
    assert ("give --area, --topic, --question and --answer-file (or --audio), or --jsonl FILE"
            in result.output)


def test_grade_with_an_llm_model_and_no_key_says_what_to_set() -> None:
    result = runner.invoke(app, ["grade", "--jsonl", "x.jsonl", "--model", "gpt-4o-mini"])
    assert result.exit_code == 2
    assert "needs OPENAI_API_KEY" in result.output


@pytest.mark.parametrize("finish_early", [False, True])
def test_practice_runs_a_whole_interview_in_the_terminal(tmp_path: Path, monkeypatch,
                                                         finish_early: bool) -> None:
    db = tmp_path / "practice.db"
    monkeypatch.setenv("INTERVIEWER_DB", str(db))
    answers = [STRONG, STRONG, STRONG, STRONG, STRONG, STRONG]
    stdin = "\n\n".join(answers[:1] + ([":finish"] if finish_early else answers[1:])) + "\n\n"
    result = runner.invoke(app, ["practice", "--mode", "topic", "--topic", "rate-limiting",
                                 "--questions", "2"], input=stdin)
    assert result.exit_code == 0, result.output
    assert "Interviewer:" in result.output
    assert "Scorecard" in result.output and "offline grader" in result.output
    from interviewer.offline.confidence import OFFLINE_LIMITS
    assert OFFLINE_LIMITS in " ".join(result.output.split())  # once, under the overall
    records, _ = Store(db).list_page(LOCAL_OWNER)
    record = records[0]
    assert record.status == "completed" and record.owner == LOCAL_OWNER  # the CLI's own
    stored = [t.turn.text for t in record.turns if t.turn.role == "candidate"]
    assert stored[0] == STRONG
    if finish_early:
        assert len(stored) == 1 and len(record.state.grades) == 1
    else:
        assert len(stored) >= 2 and len(record.state.grades) == 2
        assert "Do you have any questions for me?" in result.output  # the close is said


FLAGGED_ID = "api-esign-eu-data-residency"
FLAGGED = ("I would build an EU region for documents and signer data within nine months, and "
           "replicate the EU data back to the US for disaster recovery. Billing stays global.")


def test_grade_a_library_question_by_id_needs_no_area_or_topic(tmp_path: Path) -> None:
    """A library id brings its own area, topic, outline and red flags (it failed asking for
    --area and --topic)."""
    answer = tmp_path / "a.txt"
    answer.write_text(FLAGGED)
    result = runner.invoke(app, ["grade", "--question", FLAGGED_ID, "--answer-file",
                                 str(answer), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [f["id"] for f in data["red_flags"]] == ["eu-signer-data-copied-back-to-us"]


def test_grade_jsonl_grades_a_library_question_with_its_own_red_flags(tmp_path: Path) -> None:
    """A batch line naming a library question was graded on the bare topic rubric: the
    question's own red flags never fired."""
    lines = [{"id": "x", "question_id": FLAGGED_ID, "question": "ignored", "answer": FLAGGED},
             {"id": "y", "question": FLAGGED_ID, "answer": FLAGGED},
             {"id": "z", "question": "What would you do?", "answer": FLAGGED}]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(json.dumps(item) for item in lines))
    result = runner.invoke(app, ["grade", "--jsonl", str(path)])
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o.get("id") for o in out[:2]] == ["x", "y"]
    for o in out[:2]:
        assert [f["id"] for f in o["red_flags"]] == ["eu-signer-data-copied-back-to-us"]
    assert out[2] == {"line": 3, "error": "give the area and topic, or a library question id"}
    assert result.exit_code == 1


def test_grading_one_answer_as_text_shows_its_red_flag(tmp_path: Path) -> None:
    """The text output of `grade` left out the red flag the JSON output carries."""
    answer = tmp_path / "a.txt"
    answer.write_text(FLAGGED)
    result = runner.invoke(app, ["grade", "--question", FLAGGED_ID, "--answer-file",
                                 str(answer)])
    assert result.exit_code == 0, result.output
    assert "Red flag: Keeps copies of European documents in the US" in result.output
    assert "Why it hurts the platform's users:" in result.output
