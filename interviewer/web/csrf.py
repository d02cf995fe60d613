"""CSRF protection for form posts: a random token in a cookie that each form must echo."""

from __future__ import annotations

import secrets

from fastapi import HTTPException, Request, Response

COOKIE = "csrf_token"


def token_for(request: Request) -> str:
    """The visitor's token, made on first visit and kept for the page to embed."""
    existing = request.cookies.get(COOKIE)
    if existing and len(existing) >= 32:
        return existing
    token = getattr(request.state, "csrf_token", None) or secrets.token_urlsafe(32)
    request.state.csrf_token = token
    return token


def set_cookie(request: Request, response: Response) -> None:
    """Send the token cookie when this request made a new one."""
    token = getattr(request.state, "csrf_token", None)
    if token:
        response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/")


def verify(request: Request, submitted: str | None) -> None:
    """A form post must carry the cookie's token; anything else is a forged request."""
    cookie = request.cookies.get(COOKIE)
    if not cookie or not submitted or not secrets.compare_digest(cookie, submitted):
        raise HTTPException(403, "this form has expired or did not come from this site: "
                                 "reload the page and submit again")
