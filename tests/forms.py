"""Using the site's CSRF-protected forms as a browser would, through a TestClient: read the
token from the page, post the form, sign up. The `accounts_app`, `alice` and `bob` fixtures
in conftest.py build on these."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

PASSWORD = "correct horse battery"


def csrf_token(html: str) -> str:
    """The CSRF token of the page's (first) form."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "every form carries a CSRF token"
    return match.group(1)


def post_form(client: TestClient, page: str, action: str, **fields: str):
    """Open `page`, then post its form to `action` with the page's CSRF token."""
    token = csrf_token(client.get(page).text)
    return client.post(action, data={"csrf_token": token, **fields}, follow_redirects=False)


def sign_up(client: TestClient, username: str, **extra: str) -> None:
    response = post_form(client, "/signup", "/signup", username=username, password=PASSWORD,
                         **extra)
    assert response.status_code == 303, response.text


def start(client: TestClient, **fields: str) -> str:
    """Start an interview from the home page's form with the fake model; its id."""
    response = post_form(client, "/", "/interviews", model="fake", **fields)
    assert response.status_code == 303, response.text
    assert client.get(response.headers["location"]).status_code == 200  # asks question 1
    return response.headers["location"].removeprefix("/interviews/").split("?")[0]
