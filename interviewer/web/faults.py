"""Storage faults as answers a candidate can act on: 503, never a bare 500 or a false ack.

A write that fails (the database file deleted or replaced, read-only, full, or PostgreSQL
unreachable) raises StorageUnavailable before any acknowledgement is sent, so the reply can
say plainly that the answer was not saved.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from interviewer.storage import Busy, StorageUnavailable

NOT_SAVED = ("The interview store is unavailable ({}). Your answer was not saved: keep a copy "
             "and submit it again in a minute.")
READ_ONLY = ("The interview store is unavailable ({}). Nothing was changed; try again in a "
             "minute.")
BUSY = ("This interview is still being worked on by another request ({}). Your answer is "
        "saved; reload in a moment.")


def _reply(request: Request, message: str) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": message}, status_code=503, headers={"Retry-After": "5"})
    from interviewer.web import pages

    return pages.render(request, "error.html", {"status_code": 503, "message": message}, 503)


async def _storage_failed(request: Request, exc: Exception) -> Response:
    wording = READ_ONLY if request.method in ("GET", "HEAD") else NOT_SAVED
    return _reply(request, wording.format(exc))


async def _busy(request: Request, exc: Exception) -> Response:
    return _reply(request, BUSY.format(exc))


def install(app: FastAPI) -> None:
    app.add_exception_handler(StorageUnavailable, _storage_failed)
    app.add_exception_handler(Busy, _busy)
