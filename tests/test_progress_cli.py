"""`interviewer progress`: the Progress page's report in the terminal, for the local owner."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from interviewer.cli import app
from interviewer.library import default_library
from interviewer.service import Interviews
from interviewer.settings import Settings
from tests.conftest import make_service
from tests.fakes import FakeModel
from tests.progress_seed import answer_one, backdate, criteria_of

runner = CliRunner()
Q1 = "api-payments-create-idempotency"


def test_progress_with_nothing_practised_says_how_to_start(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    monkeypatch.setenv("INTERVIEWER_DB", str(tmp_path / "empty.db"))
    result = runner.invoke(app, ["progress"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("No graded answers yet: run `interviewer practice`")


@pytest.fixture
def seeded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Interviews, FakeModel]:
    """The database the CLI reads (INTERVIEWER_DB), with a service and the fake model that
    grade the interviews a test puts in it."""
    db = tmp_path / "progress.db"
    monkeypatch.setenv("INTERVIEWER_DB", str(db))
    fake = FakeModel()
    return make_service(Settings(_env_file=None, INTERVIEWER_DB=str(db)), default_library(),
                        fake), fake


def test_progress_prints_trends_weakest_and_the_next_practice(
        seeded: tuple[Interviews, FakeModel]) -> None:
    service, fake = seeded
    weak = criteria_of(service, Q1)[0]
    backdate(service, answer_one(service, fake, Q1, "First go.", {weak: 1}), 6)
    backdate(service, answer_one(service, fake, Q1, "Second go.", {weak: 2}), 4)
    answer_one(service, fake, Q1, "Someone else's go.", {weak: 4}, owner="someone-else")
    result = runner.invoke(app, ["progress"])
    assert result.exit_code == 0, result.output
    out = result.output.splitlines()
    assert out[0] == ("Progress: 2 graded answers across 2 interviews, scores out of 4, "
                      "oldest to latest.")
    name = service.library.rubric_for(service.library.question(Q1)).criterion(weak).name
    assert f"  {name:<34} 1.0 → 2.0  up 1.0" in out  # the other owner's 4 is not there
    assert "  API design                         2.3 → 2.6  up 0.3" in out  # weighted overall
    weakest = out.index("Weakest criteria")
    assert out[weakest + 1].startswith(f"  1. {name}: 1.5 (last practised ")
    schedule = out[out.index("Practice schedule (most overdue first)") + 1]
    assert schedule == f"  {name + ' (criterion)':<46} 1.5  overdue by 2.6 days"
    assert "  Not practised yet, due now: Versioning, Rate limiting, Observability, " \
        "System architecture, Developers as customers, Trade-offs, Success metrics, " \
        "Platform strategy" in out
    tail = out[out.index("Next suggested practice"):]
    assert tail[1].startswith(f"  {name} averages 1.5 of 4 over your last 2 interviews and "
                              "was last practised 4 days ago")
    assert tail[3:] == [f"  Start it: interviewer practice --question {Q1}",
                        "  Or drill the topic: interviewer practice --mode topic --topic "
                        "api-design"]
    assert tail[2].startswith("  Retry: ")


def test_progress_for_a_named_owner_shows_theirs_and_no_one_elses(
        seeded: tuple[Interviews, FakeModel]) -> None:
    """`--owner` as `export` and `history` take it: an account's username or `local`."""
    from interviewer.identity.accounts import Accounts

    service, fake = seeded
    weak = criteria_of(service, Q1)[0]
    name = service.library.rubric_for(service.library.question(Q1)).criterion(weak).name
    alice = Accounts(service.store).sign_up("alice", "a long enough passphrase 42")
    backdate(service, answer_one(service, fake, Q1, "Alice's first.", {weak: 3},
                                 owner=alice.owner_id), 5)
    answer_one(service, fake, Q1, "Alice's second.", {weak: 4}, owner=alice.owner_id)
    answer_one(service, fake, Q1, "Mine.", {weak: 1})

    alices = runner.invoke(app, ["progress", "--owner", "Alice "])
    assert alices.exit_code == 0, alices.output
    out = alices.output.splitlines()
    assert out[0].startswith("Progress: 2 graded answers across 2 interviews")
    assert f"  {name:<34} 3.0 → 4.0  up 1.0" in out  # this machine's 1 is not there
    mine = runner.invoke(app, ["progress", "--owner", "local"])
    assert mine.exit_code == 0, mine.output
    assert mine.output.startswith("Progress: 1 graded answer across 1 interview")
    assert runner.invoke(app, ["progress"]).output == mine.output  # local is the default
    unknown = runner.invoke(app, ["progress", "--owner", "bob"])
    assert unknown.exit_code == 2
    assert "no account is named 'bob'" in unknown.output and "Progress:" not in unknown.output
