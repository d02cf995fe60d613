"""Security headers on every response, including a strict Content-Security-Policy."""

from __future__ import annotations

from starlette.types import Message, Scope

from interviewer.web.middleware import Edit, OnResponseStart

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
# Swagger UI on /docs injects <style> elements; scripts stay file-only there too.
DOCS_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    # not no-referrer: under that policy browsers send `Origin: null` even on this site's own
    # form posts, and the CSRF check (interviewer.web.csrf) needs the real origin
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
]


class SecurityHeaders(OnResponseStart):
    """The headers above on every response the app did not set them on itself."""

    def editor(self, scope: Scope) -> Edit:
        csp = DOCS_CSP if scope["path"].startswith("/docs") else CSP

        def add(message: Message) -> None:
            present = {k.lower() for k, _ in message.get("headers", [])}
            extra = [(k, v) for k, v in HEADERS if k not in present]
            extra.append((b"content-security-policy", csp.encode()))
            message["headers"] = list(message.get("headers", [])) + extra

        return add
