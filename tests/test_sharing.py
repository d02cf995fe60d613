"""Read-only share links and exports belong to the owner: made and revoked from the
scorecard with CSRF-protected forms, stored hashed, dead once revoked or once the interview
is deleted; everyone but the owner gets 404, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import hashlib
import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.fakes import FakeModel
from tests.forms import post_form
from tests.test_exports import finished_interview

pytestmark = pytest.mark.both_backends


def _share(client: TestClient, url: str) -> str:
    made = post_form(client, f"{url}/scorecard", f"{url}/shares")
    assert made.status_code == 200 and "no-store" in made.headers["cache-control"]
    link = re.search(r'id="new-share-url" class="share-url" value="([^"]+)"', made.text)
    assert link, "a new link is shown once, on the scorecard"
    return link.group(1).removeprefix("http://testserver")


def test_a_share_link_opens_a_read_only_scorecard_until_revoked(
        alice: TestClient, fake_model: FakeModel, accounts_app: FastAPI) -> None:
    url = finished_interview(alice, fake_model)
    forged = alice.post(f"{url}/shares", data={"csrf_token": "made-up"})
    assert forged.status_code == 403 and not alice.app.state.service.store.shares.of_interview(
        url.rsplit("/", 1)[1])
    shared = _share(alice, url)
    token = shared.removeprefix("/shared/")
    assert len(token) >= 40  # 32 random bytes: 256 bits
    store = accounts_app.state.service.store
    rows = store.db.fetchall("SELECT * FROM share_links")
    assert [r["token_hash"] for r in rows] == [hashlib.sha256(token.encode()).hexdigest()]
    assert token not in str([dict(r) for r in rows])
    assert token not in alice.get(f"{url}/scorecard").text  # never shown again

    with TestClient(accounts_app) as stranger:  # no account, no cookie of Alice's
        page = stranger.get(shared)
        assert page.status_code == 200
        assert "sender number" in page.text  # the candidate's answer, as evidence
        assert "Question 1" in page.text and "support threads" in page.text
        main = page.text[page.text.index("<main"):page.text.index("</main>")]
        assert "<form" not in main and "/export." not in main and "Revoke" not in main
        assert '<meta name="robots" content="noindex, nofollow">' in page.text
        assert page.headers["referrer-policy"] == "no-referrer"
        assert page.headers["x-robots-tag"].startswith("noindex")
        assert "no-store" in page.headers["cache-control"]
        assert stranger.get(f"{url}/scorecard").status_code == 404  # the link opens one page

        card = alice.get(f"{url}/scorecard").text
        link_id = re.search(rf'action="{url}/shares/([^/]+)/revoke"', card).group(1)
        forged = alice.post(f"{url}/shares/{link_id}/revoke", data={"csrf_token": "made-up"})
        assert forged.status_code == 403 and stranger.get(shared).status_code == 200
        revoked = post_form(alice, f"{url}/scorecard", f"{url}/shares/{link_id}/revoke")
        assert revoked.status_code == 303
        gone = stranger.get(shared)
        assert gone.status_code == 404 and "revoked" in gone.text
        assert store.db.fetchall("SELECT * FROM share_links") == []


def test_deleting_the_interview_kills_its_share_links(alice: TestClient,
                                                      fake_model: FakeModel,
                                                      accounts_app: FastAPI) -> None:
    url = finished_interview(alice, fake_model)
    shared = _share(alice, url)
    with TestClient(accounts_app) as stranger:
        assert stranger.get(shared).status_code == 200
        assert post_form(alice, "/history", f"{url}/delete").status_code == 303
        assert stranger.get(shared).status_code == 404
    assert accounts_app.state.service.store.db.fetchall("SELECT * FROM share_links") == []


def test_exports_and_share_links_are_the_owners_alone(alice: TestClient, bob: TestClient,
                                                      fake_model: FakeModel) -> None:
    url = finished_interview(alice, fake_model)
    shared = _share(alice, url)
    card = alice.get(f"{url}/scorecard").text
    link_id = re.search(rf'action="{url}/shares/([^/]+)/revoke"', card).group(1)
    page = bob.get("/").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    tries = {f"export.{f}": bob.get(f"{url}/export.{f}") for f in ("md", "json", "pdf")}
    tries["share"] = bob.post(f"{url}/shares", data={"csrf_token": token})
    tries["revoke"] = bob.post(f"{url}/shares/{link_id}/revoke", data={"csrf_token": token})
    assert {k: r.status_code for k, r in tries.items()} == dict.fromkeys(tries, 404)
    assert bob.get(shared).status_code == 200  # the link itself still works for anyone
    assert alice.get(f"{url}/export.md").status_code == 200


def test_the_api_export_is_the_owners_alone(alice: TestClient, bob: TestClient,
                                            fake_model: FakeModel) -> None:
    from tests.test_ownership import _api_token

    url = finished_interview(alice, fake_model)
    iid = url.rsplit("/", 1)[1]
    as_alice = {"Authorization": f"Bearer {_api_token(alice)}"}
    as_bob = {"Authorization": f"Bearer {_api_token(bob)}"}
    mine = alice.get(f"/api/interviews/{iid}/export", headers=as_alice)
    assert mine.status_code == 200
    assert mine.json()["transcript"] == alice.get(f"{url}/export.json").json()["transcript"]
    refused = bob.get(f"/api/interviews/{iid}/export", headers=as_bob)
    assert refused.status_code == 404
    assert refused.json() == {"detail": f"no interview with id {iid!r}"}
