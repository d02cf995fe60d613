"""Who is asking: an API token, a signed session cookie, or (on a loopback-only server) the
local owner. Every interview route looks its interview up through the caller's owner id.

Two modes. `local` (the default for `make run` on loopback): the first page a browser opens
gives it a signed cookie naming the local owner, who also owns the CLI's interviews, so one
person on one machine never signs up. `accounts` (serving beyond loopback, or
INTERVIEWER_AUTH=accounts): a new browser gets a signed cookie naming a fresh anonymous owner,
and candidates may sign up, sign in, and claim what they practised anonymously.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.datastructures import MutableHeaders
from starlette.responses import Response
from starlette.types import Message, Scope

from interviewer.identity.accounts import Accounts
from interviewer.settings import Settings
from interviewer.storage import LOCAL_OWNER, new_id
from interviewer.web.middleware import Edit, OnResponseStart
from interviewer.web.secret import signer

COOKIE = "session"
PURPOSE = "session-cookie"
ANONYMOUS_AGE = 365 * 86400  # an anonymous browser keeps its interviews for a year of disuse
AuthMode = Literal["local", "accounts"]


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def auth_mode(settings: Settings, host: str | None = None) -> AuthMode:
    """`accounts` when asked for, or when `auto` and the server listens beyond loopback or
    behind a reverse proxy (whose requests all arrive from loopback, from many people)."""
    if settings.auth == "auto":
        beyond = (host is not None and not is_loopback(host)) or bool(settings.trusted_proxies)
        return "accounts" if beyond else "local"
    return settings.auth


@dataclass(frozen=True)
class Caller:
    """The owner a request acts for, and how it proved it."""

    owner_id: str
    signed_in: bool = False  # an account's session or API token, not an anonymous cookie
    session: str | None = None  # the session id, for sign-out


def _accounts(request: Request) -> Accounts:
    return request.app.state.accounts


def _mode(request: Request) -> AuthMode:
    return request.app.state.auth_mode


def from_cookie(request: Request) -> Caller | None:
    """The caller named by a valid session cookie, if there is one."""
    raw = request.cookies.get(COOKIE)
    # no age limit here: an account session expires in the database, where sign-out ends it
    value = signer(request, PURPOSE).unsign(raw) if raw else None
    if value is None:
        return None
    kind, _, ident = value.partition(":")
    if kind == "session":
        owner = _accounts(request).session_owner(ident)
        return None if owner is None else Caller(owner, signed_in=True, session=ident)
    if kind == "anon" and ident:
        return Caller(ident)
    if kind == "local" and _mode(request) == "local":
        return Caller(LOCAL_OWNER)  # a local cookie grants nothing once accounts are on
    return None


def set_session(request: Request, kind: str, ident: str) -> None:
    """Have this response carry a new session cookie (sent by SessionCookies)."""
    token = signer(request, PURPOSE).sign(f"{kind}:{ident}")
    request.state.session_cookie = token


def clear_session(request: Request) -> None:
    request.state.session_cookie = ""


async def _cookie_caller(request: Request) -> Caller | None:
    """`from_cookie`, its session lookup (a database read) in the store's threads."""
    if not request.cookies.get(COOKIE):
        return None
    return await request.app.state.service.store.run(from_cookie, request)


async def page_caller(request: Request) -> Caller:
    """The caller of a page: a browser without a valid cookie is given one."""
    caller = await _cookie_caller(request)
    if caller is not None:
        return caller
    if _mode(request) == "local":
        set_session(request, "local", "")
        return Caller(LOCAL_OWNER)
    owner = new_id()
    set_session(request, "anon", owner)
    return Caller(owner)


_bearer = HTTPBearer(auto_error=False, description="A personal API token, created on your "
                     "account page. A browser's session cookie works too; on a loopback-only "
                     "server no credentials are needed.")
BearerDoc = Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)]


async def api_caller(request: Request, _documented: BearerDoc) -> Caller:
    """The caller of the JSON API: a bearer token, else the browser's cookie, else the local
    owner when the server is local; with accounts on, nobody else."""
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, token = header.partition(" ")
        owner = (await request.app.state.service.store.run(_accounts(request).token_owner,
                                                           token.strip())
                 if scheme.lower() == "bearer" and token.strip() else None)
        if owner is None:
            raise HTTPException(401, "the API token is not valid: it may have been revoked. "
                                     "Create a new one on your account page",
                                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
        return Caller(owner, signed_in=True)
    caller = await _cookie_caller(request)
    if caller is not None:
        return caller
    if _mode(request) == "local":
        return Caller(LOCAL_OWNER)
    raise HTTPException(401, "sign in first: send 'Authorization: Bearer <token>' with a token "
                             "from your account page", headers={"WWW-Authenticate": "Bearer"})


def account_name(request: Request) -> str | None:
    """The signed-in username for the page header; None when nobody is signed in."""
    if _mode(request) != "accounts":
        return None
    caller = from_cookie(request)
    if caller is None or not caller.signed_in:
        return None
    account = _accounts(request).account(caller.owner_id)
    return account.username if account else None


PageCaller = Annotated[Caller, Depends(page_caller)]
ApiCaller = Annotated[Caller, Depends(api_caller)]


class SessionCookies(OnResponseStart):
    """Adds the Set-Cookie a route asked for (through `set_session`) to whatever response
    it returns, redirects and error pages included: HttpOnly, SameSite=Lax, and Secure when
    the request came over https."""

    def editor(self, scope: Scope) -> Edit:
        def add(message: Message) -> None:
            token = scope.get("state", {}).get("session_cookie")
            if token is None:
                return
            secure = scope.get("scheme") == "https"
            cookie = Response()
            if token:
                cookie.set_cookie(COOKIE, token, max_age=ANONYMOUS_AGE, httponly=True,
                                  samesite="lax", secure=secure, path="/")
            else:
                cookie.delete_cookie(COOKIE, httponly=True, samesite="lax", secure=secure,
                                     path="/")
            MutableHeaders(scope=message).append("set-cookie", cookie.headers["set-cookie"])

        return add
