"""The web security pieces on their own, with exact expectations: the header set, the Origin
rule for every unsafe method, the rate window's edges, JSON-only bodies and proxy parsing."""

from __future__ import annotations

import asyncio

import pytest
from fastapi import HTTPException
from starlette.requests import Request

from interviewer.web import csrf, limits, proxies, security
from interviewer.web.markdown import render_markdown

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")


def _send_through(path: str, own: list[tuple[bytes, bytes]], kind: str = "http") -> list:
    sent: list = []

    async def app(scope, receive, send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": own})
        await send({"type": "http.response.body", "body": b""})

    async def send(message) -> None:
        sent.append(message)

    asyncio.run(security.SecurityHeaders(app)({"type": kind, "path": path}, None, send))
    return sent


def test_the_exact_header_set_and_policy() -> None:
    start = _send_through("/", [])[0]
    assert dict(start["headers"]) == {
        b"x-content-type-options": b"nosniff", b"x-frame-options": b"DENY",
        b"referrer-policy": b"same-origin", b"cross-origin-opener-policy": b"same-origin",
        b"permissions-policy": b"camera=(), microphone=(), geolocation=(), interest-cohort=()",
        b"content-security-policy": CSP.encode()}


def test_only_the_docs_may_use_inline_styles() -> None:
    docs = dict(_send_through("/docs", [])[0]["headers"])[b"content-security-policy"]
    assert docs == CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'").encode()


def test_a_header_the_response_set_itself_is_kept_once() -> None:
    headers = _send_through("/", [(b"x-frame-options", b"SAMEORIGIN")])[0]["headers"]
    assert [v for k, v in headers if k == b"x-frame-options"] == [b"SAMEORIGIN"]


def test_other_connections_pass_untouched() -> None:
    start = _send_through("/", [], kind="websocket")[0]
    assert start["headers"] == []


def _request(method: str, headers: dict[str, str]) -> Request:
    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    return Request({"type": "http", "method": method, "path": "/", "headers": raw,
                    "query_string": b""})


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_every_unsafe_method_is_checked(method: str) -> None:
    with pytest.raises(HTTPException) as refused:
        csrf.same_origin(_request(method, {"host": "coach.example", "origin": "https://x.test"}))
    assert refused.value.status_code == 403
    assert refused.value.detail.startswith("cross-site request refused: it came from "
                                           "'https://x.test', not from this site")
    csrf.same_origin(_request(method, {"host": "coach.example",
                                       "origin": "https://coach.example"}))


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS"])
def test_safe_methods_are_not_checked(method: str) -> None:
    csrf.same_origin(_request(method, {"host": "coach.example", "origin": "https://x.test"}))


def test_origin_wins_over_referer_and_a_missing_host_is_refused() -> None:
    csrf.same_origin(_request("POST", {"host": "a.test", "origin": "http://a.test",
                                       "referer": "http://evil.test/"}))
    with pytest.raises(HTTPException):
        csrf.same_origin(_request("POST", {"origin": "http://a.test"}))
    with pytest.raises(HTTPException) as refused:
        csrf.same_origin(_request("POST", {"host": "a.test", "origin": "http://" + "e" * 300}))
    assert len(refused.value.detail) < 250  # the echoed origin is cut short


def test_the_rate_window_edges() -> None:
    now = [0.0]
    limiter = limits.RateLimiter(1, clock=lambda: now[0])
    assert limiter.retry_after("a") is None
    now[0] = 59.5
    assert limiter.retry_after("a") == 1  # rounded up, never 0
    now[0] = 60.0
    assert limiter.retry_after("a") is None  # a minute old: out of the window


def test_the_429_says_when_to_retry() -> None:
    refused = limits.too_many(7, saved=True)
    assert refused.status_code == 429 and refused.headers == {"Retry-After": "7"}
    assert refused.detail == ("Your answer is saved. Too many model requests from this client; "
                              "try again in 7 seconds")


@pytest.mark.parametrize(("content_type", "body", "ok"), [
    ("application/json", b"{}", True), ("Application/JSON; charset=utf-8", b"{}", True),
    ("", b"", True), ("", b"{}", False), ("text/json", b"{}", False),
    ("application/jsonp", b"{}", False),
])
def test_json_only(content_type: str, body: bytes, ok: bool) -> None:
    headers = [(b"content-type", content_type.encode())] if content_type else []

    async def receive() -> dict:
        return {"type": "http.request", "body": body, "more_body": False}

    request = Request({"type": "http", "method": "POST", "path": "/", "headers": headers,
                       "query_string": b""}, receive)
    if ok:
        asyncio.run(limits.require_json(request))
    else:
        with pytest.raises(HTTPException) as refused:
            asyncio.run(limits.require_json(request))
        assert refused.value.status_code == 415


def test_a_network_is_normalised_and_a_host_name_refused() -> None:
    assert proxies.parse_trusted("10.0.0.5/24,::1") == ["10.0.0.0/24", "::1/128"]
    assert proxies.parse_trusted(" , ") == []
    with pytest.raises(ValueError, match="'nginx' is not an IP address or network"):
        proxies.parse_trusted("nginx")


def test_markdown_keeps_the_formatting_it_allows() -> None:
    html = str(render_markdown("*a* **b** `c`\n\n> q\n\n- one\n- two\n\n1. x\n\n```\nblock\n```"))
    for tag in ["<em>a</em>", "<strong>b</strong>", "<code>c</code>", "<blockquote>",
                "<ul>", "<li>one</li>", "<ol>", "<pre><code>block"]:
        assert tag in html, tag
    assert str(render_markdown("")) == ""
