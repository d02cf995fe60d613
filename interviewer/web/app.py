"""The FastAPI application: pages, the JSON API, static files and error pages."""

from __future__ import annotations

import contextlib
import gc
import importlib.util
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import HTTPException as FastAPIHTTPException
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import StrictUndefined
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp

from interviewer import __version__, paths
from interviewer.identity.accounts import Accounts
from interviewer.library import Library, default_library
from interviewer.models.registry import (
    ModelRegistry,
    UnknownModel,
    default_model_name,
    describe,
)
from interviewer.service import Interviews
from interviewer.settings import Settings, get_settings
from interviewer.speech.answers import SpokenAnswers
from interviewer.speech.transcribe import build_transcriber
from interviewer.storage import Store
from interviewer.storage.recordings import Recordings
from interviewer.web import (
    account,
    api,
    csrf,
    faults,
    pages,
    progress,
    sharing,
    speech,
    stream,
)
from interviewer.web.auth import SessionCookies, auth_mode
from interviewer.web.bodylimit import ENVELOPE, BodyLimit, text_limit
from interviewer.web.limits import RateLimiter
from interviewer.web.markdown import render_markdown
from interviewer.web.secret import server_secret
from interviewer.web.security import SecurityHeaders
from interviewer.web.timing import ServerTiming

DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>API docs · Platform PM Interview Coach</title>
<link rel="stylesheet" href="/docs-assets/swagger-ui.css">
<link rel="stylesheet" href="/static/docs.css"></head>
<body><main id="swagger-ui"></main>
<script src="/docs-assets/swagger-ui-bundle.js"></script>
<script src="/static/docs.js"></script></body></html>
"""


def build_service(settings: Settings, library: Library | None = None) -> Interviews:
    """The service over the configured database and models."""
    store = Store(settings.db_target())
    store.idempotency.keep_seconds = settings.idempotency_hours * 3600
    return Interviews(store, library or default_library(), ModelRegistry(settings),
                      settings.max_answer_chars, lease_seconds=settings.lease_seconds)


def build_speech(service: Interviews, settings: Settings) -> SpokenAnswers:
    """Spoken answers over the same store; the Whisper model loads on first use."""
    return SpokenAnswers(service, build_transcriber(settings), Recordings(service.store.db))


def _templates(settings: Settings) -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(paths.web_dir() / "templates"))
    templates.env.undefined = StrictUndefined
    templates.env.globals["model_label"] = describe(default_model_name(settings))
    templates.env.filters["markdown"] = render_markdown
    return templates


FAVICON = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
           '<rect width="32" height="32" rx="7" fill="#2d4dd8"/>'
           '<path d="M8 22V10h9a5 5 0 0 1 0 10h-5" fill="none" stroke="#fff" stroke-width="3"/>'
           '</svg>')


def _docs_assets() -> str:
    """Swagger UI's files as the fastapi-offline package ships them (a build that reads the
    OpenAPI 3.1 documents FastAPI writes), so /docs needs no CDN."""
    spec = importlib.util.find_spec("fastapi_offline")
    assert spec is not None and spec.submodule_search_locations
    return str(Path(spec.submodule_search_locations[0]) / "static")


async def _favicon() -> Response:
    return Response(FAVICON, media_type="image/svg+xml",
                    headers={"cache-control": "public, max-age=86400"})


async def _docs() -> HTMLResponse:
    """Swagger UI served from the installed bundle: no CDN, no inline script."""
    return HTMLResponse(DOCS_PAGE)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    detail = exc.detail
    if exc.status_code == 400 and detail == "There was an error parsing the body":
        detail = "the request body could not be read: send JSON encoded as UTF-8"
    headers = exc.headers
    if exc.status_code == 405:
        headers = {**(headers or {}),
                   "Allow": _allowed_methods(request, (headers or {}).get("Allow", ""))}
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=headers)
    context = {"status_code": exc.status_code, "message": detail}
    return pages.render(request, "error.html", context, exc.status_code)


def _allowed_methods(request: Request, given: str) -> str:
    """Every method the schema lists for this path. Starlette names only the first route's,
    and a path such as /api/interviews has one route for GET and another for POST."""
    methods = {method.upper() for template, operations in request.app.openapi()["paths"].items()
               if re.fullmatch(re.sub(r"\{[^}/]+\}", "[^/]+", template), request.url.path)
               for method in operations}
    return ", ".join(sorted(methods)) if methods else given


MAX_FIELD_ERRORS = 5  # a body with 300,000 unknown keys gets a short answer, not 12 MB
MAX_FIELD_NAME = 40


def _field_errors(exc: RequestValidationError) -> str:
    """Validation errors as one readable line: `field: problem; field: problem`, naming at
    most a few fields, each cut short, so the reply never echoes a huge body back."""
    errors = exc.errors()
    parts = []
    for e in errors[:MAX_FIELD_ERRORS]:
        loc = ".".join(str(p) for p in e["loc"] if p not in ("body", "query", "path"))
        if len(loc) > MAX_FIELD_NAME:
            loc = loc[:MAX_FIELD_NAME] + "…"
        parts.append(f"{loc or 'body'}: {e['msg']}")
    if len(errors) > MAX_FIELD_ERRORS:
        parts.append(f"and {len(errors) - MAX_FIELD_ERRORS:,} more problems")
    return "; ".join(parts)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    return await _http_error(request, HTTPException(422, _field_errors(exc)))


class _App(FastAPI):
    """FastAPI with the security headers outside Starlette's error middleware, so even the
    bare 500 it sends for an unexpected error carries them."""

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeaders(super().build_middleware_stack())

    def openapi(self) -> dict[str, Any]:
        """The schema, saying that a credential is optional (`{}` among the security
        requirements) unless accounts are on: a client that reads it must not believe a
        local server demands a token that it in fact never asks for."""
        schema = super().openapi()
        if self.state.auth_mode != "accounts":
            for operation in (op for path in schema["paths"].values() for op in path.values()):
                if operation.get("security") and {} not in operation["security"]:
                    operation["security"].append({})
        return schema


def _body_limits(settings: Settings) -> Callable[[str], int]:
    """Audio uploads may be as large as INTERVIEWER_MAX_AUDIO_MB; everything else carries text."""
    text = text_limit(settings.max_answer_chars)
    audio = settings.max_audio_mb * 1_000_000 + ENVELOPE
    return lambda path: audio if path.endswith("/audio") else text


def create_app(settings: Settings | None = None, service: Interviews | None = None,
               host: str | None = None) -> FastAPI:
    """Build the app; tests pass their own settings and service. `host` is the address the
    server listens on: beyond loopback, candidates get accounts (INTERVIEWER_AUTH=auto)."""
    settings = settings or get_settings()
    app = _App(title="Platform PM Interview Coach", version=__version__,
               description="Mock interviews for Platform Product Managers with rubric "
                           "feedback. The JSON API lives under /api.",
               docs_url=None, redoc_url=None, dependencies=[Depends(csrf.same_origin_dependency)])
    app.state.settings = settings
    app.state.secret = server_secret(settings)
    app.state.service = service or build_service(settings)
    with contextlib.suppress(UnknownModel):  # import and connect now, not on a user's request
        app.state.service.models(default_model_name(settings))
    app.state.accounts = Accounts(app.state.service.store)
    app.state.auth_mode = auth_mode(settings, host)
    app.state.speech = build_speech(app.state.service, settings)
    app.state.templates = _templates(settings)
    app.state.templates.env.globals["accounts_on"] = app.state.auth_mode == "accounts"
    app.state.rate_limiter = RateLimiter(settings.rate_limit_per_minute,
                                         log=app.state.service.store.rate_log)
    app.mount("/static", StaticFiles(directory=str(paths.web_dir() / "static")), name="static")
    app.mount("/docs-assets", StaticFiles(directory=_docs_assets()), name="docs-assets")
    app.add_api_route("/docs", _docs, include_in_schema=False)
    app.add_api_route("/favicon.ico", _favicon, include_in_schema=False)
    app.add_middleware(SessionCookies)
    app.include_router(api.router)
    app.include_router(speech.api_router)
    app.include_router(speech.page_router)
    app.include_router(pages.router)
    app.include_router(progress.router)
    app.include_router(sharing.router)
    app.include_router(account.router)
    app.include_router(account.api_router)
    app.include_router(stream.router)
    app.add_middleware(BodyLimit, limit_for=_body_limits(settings))
    if settings.server_timing:
        app.add_middleware(ServerTiming)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(FastAPIHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    faults.install(app)
    return app


YOUNG_COLLECTION = 10_000  # net allocations between young collections (Python's: 700)


def create_served_app() -> FastAPI:
    """The app as `interviewer serve` runs it, in each worker process.

    Everything loaded at start (the question library, rubrics, prompt templates, tokenizer
    tables) lives as long as the process, yet Python's cycle collector walked all of it on
    every full collection: 60-120 ms pauses a few times a minute under load, which were the
    slowest turns. Freezing it after start leaves the collector only what requests create.

    What requests create is mostly short-lived and acyclic, yet at Python's default of a
    young collection every 700 allocations the collector ran ~150 times and a middle one
    ~13 times in 600 turns, ~0.3 ms of CPU a turn; `YOUNG_COLLECTION` allocations between
    young collections cut that to 3-10 runs (three paired load runs on a busy machine: GC
    CPU 165-225 ms -> 24-94 ms for ~600 turns), each about as long as a middle collection
    at the default (at most 10-16 ms against 9-14 ms)."""
    app = create_app()  # the auth mode comes from INTERVIEWER_AUTH, which serve sets
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION, *gc.get_threshold()[1:])
    return app

