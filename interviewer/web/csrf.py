"""Cross-site request forgery: two independent checks on every request that changes anything.

1. Every form carries a token that is the server secret's signature (HMAC) of a random
   per-browser id held in an HttpOnly cookie. Another site can neither read the token nor
   compute one, and a cookie it manages to plant is useless without the matching signature.
2. Every unsafe request (POST, PUT, PATCH, DELETE), forms and JSON API alike, is refused when
   the browser says it comes from another origin. Browsers send `Origin` on every cross-site
   POST (`null` when the sending page hides it), so a missing header means a non-browser client
   such as curl, which has no victim's cookies to abuse.
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import urlsplit

from fastapi import HTTPException, Request, Response

from interviewer.web.secret import signer

COOKIE = "browser_id"
PURPOSE = "csrf-form"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_ID = re.compile(r"[A-Za-z0-9_-]{32,64}")
EXPIRED = ("this form has expired or did not come from this site: reload the page and "
           "submit again")


def browser_id(request: Request) -> str:
    """The browser's random id from its cookie, or a new one to send with this response."""
    existing = request.cookies.get(COOKIE)
    if existing and _ID.fullmatch(existing):
        return existing
    fresh = getattr(request.state, "browser_id", None) or secrets.token_urlsafe(32)
    request.state.browser_id = fresh
    return fresh


def token_for(request: Request) -> str:
    """The token this browser's forms must carry: the secret's signature of its id."""
    return signer(request, PURPOSE).mac(browser_id(request))


def set_cookie(request: Request, response: Response) -> None:
    """Send the id cookie when this request made a new one. SameSite=Lax, not Strict: a
    visitor arriving by a link from another site still sends it, so their open forms stay
    valid instead of being orphaned by a new id."""
    fresh = getattr(request.state, "browser_id", None)
    if fresh:
        response.set_cookie(COOKIE, fresh, httponly=True, samesite="lax", path="/",
                            secure=request.url.scheme == "https")


def verify(request: Request, submitted: str | None) -> None:
    """A form post must carry the signature of the id in this browser's cookie."""
    cookie = request.cookies.get(COOKIE)
    if not cookie or not submitted or not signer(request, PURPOSE).check(cookie, submitted):
        raise HTTPException(403, EXPIRED)


def same_origin(request: Request) -> None:
    """Refuse an unsafe request that a browser says came from another site. The host is
    compared, not the scheme, so a TLS proxy in front changes nothing; the proxy must pass
    the `Host` header through."""
    if request.method not in UNSAFE:
        return
    source = request.headers.get("origin") or request.headers.get("referer")
    if source is None:
        return
    host = request.headers.get("host", "").lower()
    try:
        sent_from = urlsplit(source).netloc.lower()
    except ValueError:
        sent_from = ""
    if not host or sent_from != host:
        raise HTTPException(403, f"cross-site request refused: it came from {source[:100]!r}, "
                                 "not from this site. Submit the form from this site's own "
                                 "pages")


async def same_origin_dependency(request: Request) -> None:
    """`same_origin` as an app-wide dependency: a coroutine, so FastAPI runs it on the event
    loop instead of handing every request to a worker thread and back."""
    same_origin(request)
