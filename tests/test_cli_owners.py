"""The operator's CLI and owners: `export` and `history` read every interview unless
`--owner` names one, and then refuse, by name, what that owner does not own."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from interviewer.cli import app
from interviewer.identity.accounts import Accounts
from interviewer.library import default_library
from interviewer.settings import Settings
from tests.conftest import make_service
from tests.fakes import FakeModel
from tests.progress_seed import answer_one

runner = CliRunner()
Q1 = "api-payments-create-idempotency"


@pytest.fixture
def three_owners(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """One interview each for this machine (`local`), the account `alice`, and a browser
    that never signed up: owner label to interview id."""
    db = tmp_path / "owners.db"
    monkeypatch.setenv("INTERVIEWER_DB", str(db))
    fake = FakeModel()
    service = make_service(Settings(_env_file=None, INTERVIEWER_DB=str(db)), default_library(),
                           fake)
    alice = Accounts(service.store).sign_up("alice", "a long enough passphrase 42")
    return {"local": answer_one(service, fake, Q1, "Mine, on this machine."),
            "alice": answer_one(service, fake, Q1, "Alice's answer.", owner=alice.owner_id),
            "anonymous": answer_one(service, fake, Q1, "A browser's answer.",
                                    owner="anonymous-browser-owner")}


def test_the_help_says_export_reads_every_owners_interview_unless_told(
        three_owners: dict[str, str]) -> None:
    shown = " ".join(runner.invoke(app, ["export", "--help"]).output.split())
    assert "it reads any interview in the database, whoever owns it" in shown
    assert "--owner" in shown and "be refused any other" in shown


def test_without_an_owner_the_operator_exports_anyones(three_owners: dict[str, str]) -> None:
    for iid in three_owners.values():
        done = runner.invoke(app, ["export", iid, "--format", "json"])
        assert done.exit_code == 0, done.output
        assert f'"id": "{iid}"' in done.stdout


@pytest.mark.parametrize("name", ["alice", "ALICE ", "local"])
def test_an_owner_exports_their_own(three_owners: dict[str, str], name: str) -> None:
    iid = three_owners[name.strip().lower()]
    done = runner.invoke(app, ["export", iid, "--format", "json", "--owner", name])
    assert done.exit_code == 0, done.output
    assert f'"id": "{iid}"' in done.stdout


@pytest.mark.parametrize(("name", "other"), [("alice", "local"), ("alice", "anonymous"),
                                             ("local", "alice")])
def test_an_owner_is_refused_anyone_elses(three_owners: dict[str, str], name: str,
                                          other: str) -> None:
    iid = three_owners[other]
    refused = runner.invoke(app, ["export", iid, "--format", "md", "--owner", name])
    assert refused.exit_code == 2
    assert f"no interview with id {iid!r} owned by {name}" in refused.output
    assert "# Scorecard" not in refused.output


def test_an_unknown_owner_is_named(three_owners: dict[str, str]) -> None:
    refused = runner.invoke(app, ["export", three_owners["alice"], "--owner", "bob"])
    assert refused.exit_code == 2 and "no account is named 'bob'" in refused.output
    listed = runner.invoke(app, ["history", "--owner", "bob"])
    assert listed.exit_code == 2 and "no account is named 'bob'" in listed.output


def test_history_lists_every_owner_or_the_one_named(three_owners: dict[str, str]) -> None:
    everyone = runner.invoke(app, ["history"])
    assert everyone.exit_code == 0, everyone.output
    lines = everyone.stdout.splitlines()
    assert len(lines) == 3
    for label, iid in three_owners.items():
        line = next(x for x in lines if x.startswith(iid))
        assert f" {label} " in line and "completed" in line and "1 question," in line
    alices = runner.invoke(app, ["history", "--owner", "alice"]).stdout.splitlines()
    assert [x.split()[0] for x in alices] == [three_owners["alice"]]
    assert runner.invoke(app, ["history", "--limit", "2"]).stdout.count("\n") == 2


def test_history_of_an_owner_with_none_says_so(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERVIEWER_DB", str(tmp_path / "empty.db"))
    listed = runner.invoke(app, ["history", "--owner", "local"])
    assert listed.exit_code == 0 and listed.stdout == "No interviews owned by local.\n"


def test_an_id_that_starts_with_a_dash_is_an_id_not_an_option(
        three_owners: dict[str, str]) -> None:
    """Ids are url-safe base64: one in 64 starts with "-", and click read it as an option."""
    from interviewer.web.app import build_service

    store = build_service(Settings()).store
    local = store.load(three_owners["local"])
    iid = store.create(local.state.plan, "fake", interview_id="-Ileading-dash-id-000000000")
    done = runner.invoke(app, ["export", iid, "--format", "json", "--owner", "local"])
    assert done.exit_code == 0, done.output
    assert f'"id": "{iid}"' in done.stdout
