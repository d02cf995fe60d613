"""Two candidates on one server: each sees, answers, finishes, streams and exports only their
own interviews, through the pages and the JSON API alike, and anyone else gets 404."""

from __future__ import annotations

import json
import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interviewer.settings import Settings
from interviewer.storage import LOCAL_OWNER
from tests.forms import PASSWORD, csrf_token, post_form, sign_up, start

pytestmark = pytest.mark.both_backends  # the app's database: SQLite, then PostgreSQL
AUDIO = b"RIFF" + bytes(64)  # never parsed: the owner check comes first
Q1, Q2 = "api-payments-create-idempotency", "api-webhook-delivery-redesign"


def test_with_accounts_on_the_schema_says_the_api_needs_a_credential(accounts_app: FastAPI) -> None:
    operation = accounts_app.openapi()["paths"]["/api/interviews"]["post"]
    assert operation["security"] == [{"HTTPBearer": []}]


def _api_token(client: TestClient, name: str = "script") -> str:
    response = post_form(client, "/account", "/account/tokens", name=name)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    match = re.search(r'id="new-token">(pmi_[A-Za-z0-9_-]+)<', response.text)
    assert match, "a new token is shown once on the account page"
    return match.group(1)


def test_pages_of_another_candidates_interview_are_404(alice: TestClient, bob: TestClient
                                                       ) -> None:
    iid = start(alice, mode="single", question_id=Q1)
    assert alice.get(f"/interviews/{iid}").status_code == 200
    token = csrf_token(bob.get("/").text)
    tries = {
        "page": bob.get(f"/interviews/{iid}"),
        "scorecard": bob.get(f"/interviews/{iid}/scorecard"),
        "stream": bob.get(f"/interviews/{iid}/stream"),
        "answer": bob.post(f"/interviews/{iid}/answers", follow_redirects=False,
                           data={"csrf_token": token, "text": "Bob's answer."}),
        "finish": bob.post(f"/interviews/{iid}/finish", follow_redirects=False,
                           data={"csrf_token": token}),
        "delete": bob.post(f"/interviews/{iid}/delete", follow_redirects=False,
                           data={"csrf_token": token}),
        "clarify": bob.post(f"/interviews/{iid}/clarifications", follow_redirects=False,
                            data={"csrf_token": token, "text": "Who calls it today?"}),
        "transcribe": bob.post(f"/interviews/{iid}/transcribe", data={"csrf_token": token},
                               files={"audio": ("a.webm", AUDIO, "audio/webm")}),
        "upload": bob.post(f"/interviews/{iid}/audio", data={"csrf_token": token},
                           files={"audio": ("a.wav", AUDIO, "audio/wav")}),
    }
    assert {name: r.status_code for name, r in tries.items()} == dict.fromkeys(tries, 404)
    # the same page as for an id that never existed: nothing tells Bob the interview is real
    missing = bob.get("/interviews/" + "x" * len(iid))
    assert tries["page"].text == missing.text
    record = alice.app.state.service.store.load(iid)
    assert [t.turn.role for t in record.turns] == ["interviewer"] and not record.state.finished
    assert alice.app.state.service.store.db.fetchone(
        "SELECT COUNT(*) AS n FROM recordings")["n"] == 0
    assert iid not in bob.get("/history").text and iid in alice.get("/history").text
    assert iid not in bob.get("/account/export").text


def test_the_api_refuses_another_candidates_interview(alice: TestClient, bob: TestClient
                                                      ) -> None:
    alice_token, bob_token = _api_token(alice), _api_token(bob)
    as_alice = {"Authorization": f"Bearer {alice_token}"}
    as_bob = {"Authorization": f"Bearer {bob_token}"}
    created = alice.post("/api/interviews", json={"model": "fake"}, headers=as_alice)
    assert created.status_code == 201
    iid = created.json()["id"]
    base = f"/api/interviews/{iid}"
    tries = {
        "get": bob.get(base, headers=as_bob),
        "scorecard": bob.get(f"{base}/scorecard", headers=as_bob),
        "answer": bob.post(f"{base}/answers", json={"text": "Bob's answer."}, headers=as_bob),
        "finish": bob.post(f"{base}/finish", headers=as_bob),
        "delete": bob.delete(base, headers=as_bob),
        "clarify": bob.post(f"{base}/clarifications", json={"text": "Who calls it?"},
                            headers=as_bob),
        "audio": bob.post(f"{base}/answers/audio", headers=as_bob,
                          files={"audio": ("a.wav", AUDIO, "audio/wav")}),
    }
    assert {name: r.status_code for name, r in tries.items()} == dict.fromkeys(tries, 404)
    assert tries["get"].json() == {"detail": f"no interview with id {iid!r}"}
    # Bob's browser session is refused as well, and so is his token's export
    assert bob.get(base).status_code == 404
    assert iid not in json.dumps(bob.get("/api/export", headers=as_bob).json())
    assert bob.get("/api/interviews", headers=as_bob).json()["interviews"] == []
    # Alice, by token or by her browser's cookie, still has all of it
    assert alice.get(base, headers=as_alice).json()["status"] == "in_progress"
    assert alice.get(base).status_code == 200
    answered = alice.post(f"{base}/answers", json={"text": "Alice's answer."}, headers=as_alice)
    assert answered.status_code == 200
    listed = alice.get("/api/interviews", headers=as_alice).json()["interviews"]
    assert [i["id"] for i in listed] == [iid]


def test_api_tokens_are_stored_hashed_and_stop_working_when_revoked(alice: TestClient,
                                                                     accounts_app: FastAPI) -> None:
    token = _api_token(alice, "laptop")
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(accounts_app) as script:  # no cookies: the token alone
        assert script.get("/api/interviews", headers=headers).status_code == 200
        store = accounts_app.state.service.store
        stored = [r["token_hash"] for r in store.db.fetchall("SELECT token_hash FROM api_tokens")]
        assert stored and token not in stored and all(len(h) == 64 for h in stored)
        account = alice.get("/account").text
        assert token not in account  # shown once only
        token_id = re.search(r'action="/account/tokens/([^/]+)/revoke"', account).group(1)
        revoked = post_form(alice, "/account", f"/account/tokens/{token_id}/revoke")
        assert revoked.status_code == 303
        refused = script.get("/api/interviews", headers=headers)
        assert refused.status_code == 401 and "revoked" in refused.json()["detail"]
        assert refused.headers["www-authenticate"].startswith("Bearer")
        assert script.get("/api/interviews").status_code == 401  # no credentials at all


def test_history_is_per_user_and_paginated(alice: TestClient, bob: TestClient,
                                           accounts_app: FastAPI) -> None:
    store = accounts_app.state.service.store
    plan = accounts_app.state.service.plan("single", question_id=Q1)
    owner = store.load(start(alice, mode="single", question_id=Q1)).owner
    made = [store.create(plan, "fake", owner) for _ in range(44)]
    start(bob, mode="single", question_id=Q1)
    seen: list[str] = []
    url = "/history"
    while url:
        page = alice.get(url).text
        seen += re.findall(r'href="/interviews/([A-Za-z0-9_-]+)"', page)
        older = re.search(r'href="(/history\?after=[^"]+)" rel="next"', page)
        url = older.group(1).replace("&amp;", "&") if older else ""
    assert len(seen) == len(set(seen)) == 45  # every interview once, over three pages
    assert set(made) < set(seen)
    assert len(re.findall(r'href="/interviews/', bob.get("/history").text)) == 1


def test_delete_one_interview_and_export_everything(alice: TestClient) -> None:
    keep = start(alice, mode="single", question_id=Q1)
    gone = start(alice, mode="single", question_id=Q2)
    alice.post(f"/api/interviews/{keep}/answers", json={"text": "I would version the API."})
    forged = alice.post(f"/interviews/{gone}/delete", data={"csrf_token": "made-up"})
    assert forged.status_code == 403 and alice.get(f"/interviews/{gone}").status_code == 200
    deleted = post_form(alice, "/history", f"/interviews/{gone}/delete")
    assert deleted.status_code == 303 and deleted.headers["location"] == "/history"
    assert alice.get(f"/interviews/{gone}").status_code == 404
    export = alice.get("/account/export")
    assert "attachment" in export.headers["content-disposition"]
    data = export.json()
    assert data["account"]["username"] == "alice"
    assert [i["id"] for i in data["interviews"]] == [keep]
    answers = [t["text"] for t in data["interviews"][0]["turns"] if t["role"] == "candidate"]
    assert answers == ["I would version the API."]
    assert data["interviews"][0]["grades"]
    assert "password" not in json.dumps(data) and "argon2" not in json.dumps(data)


def test_deleting_the_account_deletes_all_its_data(alice: TestClient,
                                                   accounts_app: FastAPI) -> None:
    iid = start(alice, mode="single", question_id=Q1)
    token = _api_token(alice)
    wrong = post_form(alice, "/account", "/account/delete", password="not my password")
    assert wrong.status_code == 422 and "not deleted" in wrong.text
    done = post_form(alice, "/account", "/account/delete", password=PASSWORD)
    assert done.status_code == 303
    store = accounts_app.state.service.store
    for table in ("interviews", "turns", "grades", "accounts", "sessions", "api_tokens"):
        assert store.db.fetchone(f"SELECT COUNT(*) AS n FROM {table}")["n"] == 0, table
    assert alice.get(f"/interviews/{iid}").status_code == 404
    assert alice.get("/api/interviews", headers={"Authorization": f"Bearer {token}"}
                     ).status_code == 401
    again = post_form(alice, "/signin", "/signin", username="alice", password=PASSWORD)
    assert again.status_code == 401


def _delete_account(client: TestClient, password: str, token: str | None = None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.request("DELETE", "/api/account", json={"password": password},
                          headers=headers)


def test_a_script_deletes_the_account_with_all_its_data(alice: TestClient, accounts_app: FastAPI
                                                       ) -> None:
    iid = start(alice, mode="single", question_id=Q1)
    alice.post(f"/api/interviews/{iid}/answers", json={"text": "I would version the API."})
    token = _api_token(alice)
    store = accounts_app.state.service.store
    with TestClient(accounts_app) as script:
        assert _delete_account(script, PASSWORD).status_code == 401  # no token, no session
        wrong = _delete_account(script, "not my password", token)
        assert wrong.status_code == 403 and "not deleted" in wrong.json()["detail"]
        assert store.count_owned(_alice_owner(accounts_app)) == 1
        assert _delete_account(script, PASSWORD, token).status_code == 204
        for table in ("interviews", "turns", "grades", "accounts", "sessions", "api_tokens"):
            assert store.db.fetchone(f"SELECT COUNT(*) AS n FROM {table}")["n"] == 0, table
        assert script.get("/api/interviews", headers={"Authorization": f"Bearer {token}"}
                          ).status_code == 401
    assert alice.get(f"/interviews/{iid}").status_code == 404


def test_without_accounts_there_is_no_account_to_delete(client: TestClient) -> None:
    response = _delete_account(client, PASSWORD)
    assert response.status_code == 404 and "Accounts are off" in response.json()["detail"]


def test_a_new_password_needs_the_current_one_and_signs_out_other_browsers(
        alice: TestClient, accounts_app: FastAPI) -> None:
    token = _api_token(alice)
    with TestClient(accounts_app) as laptop:
        signed_in = post_form(laptop, "/signin", "/signin", username="alice", password=PASSWORD)
        assert signed_in.status_code == 303
        for current, new in (("not my password", "a brand new passphrase"),
                             (PASSWORD, "short")):
            refused = post_form(alice, "/account", "/account/password",
                                current_password=current, new_password=new)
            assert refused.status_code == 422 and "not changed" in refused.text
            assert laptop.get("/account", follow_redirects=False).status_code == 200
        changed = post_form(alice, "/account", "/account/password",
                            current_password=PASSWORD, new_password="a brand new passphrase")
        assert changed.status_code == 200 and "every other browser" in changed.text
        assert alice.get("/account", follow_redirects=False).status_code == 200  # this one stays
        assert laptop.get("/account", follow_redirects=False).headers["location"] == "/signin"
    with TestClient(accounts_app) as browser:
        old = post_form(browser, "/signin", "/signin", username="alice", password=PASSWORD)
        assert old.status_code == 401
        new = post_form(browser, "/signin", "/signin", username="alice",
                        password="a brand new passphrase")
        assert new.status_code == 303
    assert alice.get("/api/interviews", headers={"Authorization": f"Bearer {token}"}
                     ).status_code == 200  # tokens are revoked by hand, as the page says


def test_anonymous_practice_is_claimed_into_a_new_account(accounts_app: FastAPI) -> None:
    with TestClient(accounts_app) as browser:
        first = start(browser, mode="single", question_id=Q1)
        browser.post(f"/api/interviews/{first}/answers", json={"text": "An anonymous answer."})
        anonymous_cookie = browser.cookies["session"]
        page = browser.get("/signup").text
        assert "Keep the 1 interview you practised in this browser" in page
        sign_up(browser, "carol", keep="1")
        assert browser.cookies["session"] != anonymous_cookie  # a new session at sign-in
        assert browser.get(f"/interviews/{first}").status_code == 200
        assert first in browser.get("/history").text
    with TestClient(accounts_app) as thief:  # the old anonymous cookie opens nothing any more
        thief.cookies.set("session", anonymous_cookie)
        assert thief.get(f"/interviews/{first}").status_code == 404


def test_sign_out_ends_the_session_everywhere(alice: TestClient, accounts_app: FastAPI) -> None:
    iid = start(alice, mode="single", question_id=Q1)
    cookie = alice.cookies["session"]
    out = post_form(alice, "/account", "/signout")
    assert out.status_code == 303 and 'session=""' in out.headers["set-cookie"]
    with TestClient(accounts_app) as replay:
        replay.cookies.set("session", cookie)
        assert replay.get(f"/interviews/{iid}").status_code == 404
        assert replay.get("/account", follow_redirects=False).headers["location"] == "/signin"


def _session_cookie(client: TestClient) -> str:
    """The Set-Cookie header of the session cookie a first visit to History gets."""
    headers = client.get("/history").headers.get_list("set-cookie")
    [header] = [h for h in headers if h.startswith("session=")]
    return header


def test_session_cookie_flags(accounts_app: FastAPI) -> None:
    with TestClient(accounts_app) as browser:
        header = _session_cookie(browser)
    assert "HttpOnly" in header and "SameSite=lax" in header and "Secure" not in header
    with TestClient(accounts_app, base_url="https://testserver") as secure:
        assert "Secure" in _session_cookie(secure)


def test_a_forged_or_altered_cookie_is_a_stranger(alice: TestClient, accounts_app: FastAPI) -> None:
    iid = start(alice, mode="single", question_id=Q1)
    owner = accounts_app.state.service.store.load(iid).owner
    with TestClient(accounts_app) as forger:
        forger.cookies.set("session", f"anon:{owner}.1700000000.AAAA")
        assert forger.get(f"/interviews/{iid}").status_code == 404
        forger.cookies.set("session", alice.cookies["session"][:-2] + "xx")
        assert forger.get(f"/interviews/{iid}").status_code == 404


def test_local_mode_needs_no_sign_up_and_shares_the_clis_interviews(client: TestClient) -> None:
    service = client.app.state.service
    cli_made = service.create(service.plan("single", question_id=Q1), "fake", LOCAL_OWNER)
    assert "HttpOnly" in _session_cookie(client)
    assert client.get(f"/interviews/{cli_made}").status_code == 200
    assert client.get("/signin").status_code == 404  # nothing to sign in to
    assert client.get(f"/api/interviews/{cli_made}").status_code == 200


def test_a_local_cookie_grants_nothing_once_accounts_are_on(client: TestClient,
                                                            accounts_app: FastAPI) -> None:
    service = client.app.state.service
    client.get("/history")
    local_cookie = client.cookies["session"]
    iid = service.create(service.plan("single", question_id=Q1), "fake", LOCAL_OWNER)
    # `accounts_app` serves the same database file with accounts on
    with TestClient(accounts_app) as visitor:
        visitor.cookies.set("session", local_cookie)
        assert visitor.get(f"/interviews/{iid}").status_code == 404
        assert visitor.get("/api/interviews").json()["interviews"] == []


def test_every_one_of_20000_interviews_is_reachable_page_by_page(tmp_path) -> None:
    """Issue 8 found only the newest 50 of 20,000 reachable. Many share a created_at second,
    as a busy server's do, so the id tie-break must keep pages from skipping or repeating."""
    from interviewer.storage import Store

    store = Store(tmp_path / "many.db")
    rows = [(f"id{n:05d}", f"2026-01-01T00:{n // 600:02d}:{n // 10 % 60:02d}+00:00", "owner")
            for n in range(20_000)]
    rows += [(f"other{n}", "2026-01-01T00:00:00+00:00", "someone-else") for n in range(50)]
    with store.db.transaction() as tx:
        for row in rows:
            tx.execute("INSERT INTO interviews (id, created_at, mode, model, question_ids,"
                       " owner) VALUES (?, ?, 'single', 'offline', '[\"q\"]', ?)", row)
        plan = " ".join(r["detail"] for r in tx.fetchall(
            "EXPLAIN QUERY PLAN SELECT id FROM interviews WHERE owner = ? AND"
            " (created_at, id) < (?, ?) ORDER BY created_at DESC, id DESC LIMIT 101",
            ("owner", "x", "x")))
    # a seek to the cursor in the owner's index: no sort, no scan of the newer rows
    assert "interviews_by_owner (owner=? AND (created_at,id)<(?,?))" in plan, plan
    assert "TEMP B-TREE" not in plan
    seen: list[str] = []
    cursor = None
    while True:
        page, cursor = store.list_page("owner", cursor, limit=500)
        seen += [r.id for r in page]
        if cursor is None:
            break
    assert len(seen) == 20_000 and set(seen) == {r[0] for r in rows[:20_000]}
    assert seen[0] == "id19999" and seen[-1] == "id00000"  # newest first, then by id


@pytest.mark.parametrize(("auth", "host", "mode"), [
    ("auto", "127.0.0.1", "local"), ("auto", "::1", "local"), ("auto", "localhost", "local"),
    ("auto", "0.0.0.0", "accounts"), ("auto", "192.168.1.20", "accounts"),
    ("auto", "::", "accounts"), ("accounts", "127.0.0.1", "accounts"),
    ("local", "0.0.0.0", "local"),
])
def test_accounts_turn_on_beyond_loopback(auth: str, host: str, mode: str) -> None:
    from interviewer.web.auth import auth_mode

    assert auth_mode(Settings(_env_file=None, INTERVIEWER_AUTH=auth), host) == mode


def test_accounts_turn_on_behind_a_reverse_proxy() -> None:
    from interviewer.web.auth import auth_mode

    proxied = Settings(_env_file=None, INTERVIEWER_TRUSTED_PROXIES="127.0.0.1")
    assert auth_mode(proxied, "127.0.0.1") == "accounts"


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(cookie=st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126,
                                             exclude_characters=';,"\\'), max_size=120),
       bearer=st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=80))
def test_no_made_up_cookie_or_token_opens_an_interview_or_breaks_a_request(
        alice: TestClient, accounts_app: FastAPI, cookie: str, bearer: str) -> None:
    iid = accounts_app.state.service.store.list_page(_alice_owner(accounts_app))[0][0].id
    with TestClient(accounts_app) as stranger:
        stranger.cookies.set("session", cookie)
        assert stranger.get(f"/interviews/{iid}").status_code == 404
        response = stranger.get(f"/api/interviews/{iid}",
                                headers={"Authorization": f"Bearer {bearer}"})
        assert response.status_code == 401, response.text


def _alice_owner(accounts_app: FastAPI) -> str:
    """Alice's owner id, once she has one interview (made on first use)."""
    store = accounts_app.state.service.store
    row = store.db.fetchone("SELECT owner FROM accounts WHERE username = 'alice'")
    if not store.list_page(row["owner"])[0]:
        plan = accounts_app.state.service.plan("single", question_id=Q1)
        store.create(plan, "fake", row["owner"])
    return row["owner"]


def test_calibration_runs_belong_to_their_owner(alice: TestClient, accounts_app: FastAPI) -> None:
    store = accounts_app.state.service.store
    store.save_calibration("offline", "local-set.jsonl", "{}", LOCAL_OWNER)  # the CLI's run
    assert "local-set.jsonl" not in alice.get("/calibration").text
    assert "local-set.jsonl" not in json.dumps(alice.get("/api/export").json())


def test_an_idempotency_key_never_replays_another_candidates_interview(
        alice: TestClient, bob: TestClient) -> None:
    key = {"Idempotency-Key": "same-key-from-two-scripts"}
    first = alice.post("/api/interviews", json={"model": "fake"}, headers=key)
    replay = alice.post("/api/interviews", json={"model": "fake"}, headers=key)
    other = bob.post("/api/interviews", json={"model": "fake"}, headers=key)
    assert first.status_code == replay.status_code == other.status_code == 201
    assert replay.json()["id"] == first.json()["id"]  # Alice's retry is recognised
    assert other.json()["id"] != first.json()["id"]  # Bob gets his own interview
    assert bob.get(f"/api/interviews/{other.json()['id']}").status_code == 200


@pytest.mark.parametrize(("page", "action", "fields"), [
    ("/signup", "/signup", {"username": "mallory", "password": PASSWORD}),
    ("/signin", "/signin", {"username": "alice", "password": PASSWORD}),
    ("/account", "/account/tokens", {"name": "planted"}),
    ("/account", "/account/delete", {"password": PASSWORD}),
    ("/account", "/account/password", {"current_password": PASSWORD,
                                       "new_password": "a brand new passphrase"}),
    ("/account", "/signout", {}),
])
def test_every_account_form_needs_its_csrf_token(alice: TestClient, accounts_app: FastAPI,
                                                 page: str, action: str, fields: dict[str, str]
                                                 ) -> None:
    alice.get(page)
    forged = alice.post(action, data={"csrf_token": "made-up", **fields},
                        follow_redirects=False)
    assert forged.status_code == 403
    store = accounts_app.state.service.store
    assert store.db.fetchone("SELECT COUNT(*) AS n FROM accounts")["n"] == 1  # alice only
    assert store.db.fetchone("SELECT COUNT(*) AS n FROM api_tokens")["n"] == 0
    assert alice.get("/account", follow_redirects=False).status_code == 200  # still signed in
