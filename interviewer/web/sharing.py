"""Keep and share a scorecard: the owner's exports (Markdown, JSON, PDF) and read-only share
links that the owner makes and revokes on the scorecard.

Every route here but the shared page looks the interview up through the caller's owner, so
anyone else gets the same 404 as for an interview that never existed. The shared page is
opened by its token alone; it has no forms and no owner controls, is kept out of search
engines, and sends no Referer, so the token never leaves the page through a link.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from interviewer.exports import FORMATS, render
from interviewer.exports.document import of_record
from interviewer.storage import NotFound, Record, now
from interviewer.web import csrf, views
from interviewer.web.auth import PageCaller
from interviewer.web.deps import ServiceDep
from interviewer.web.pages import _see_other
from interviewer.web.pages import render as render_page
from interviewer.web.speech import spoken_by_question

router = APIRouter(include_in_schema=False)
GONE = "There is no scorecard at this address. The link may have been revoked."
PRIVATE = {"cache-control": "private, no-store"}


def _owned(service: ServiceDep, interview_id: str, caller: PageCaller) -> Record:
    try:
        return service.load(interview_id, caller.owner_id)
    except NotFound:
        raise HTTPException(404, "There is no interview at this address.") from None


async def _export(service: ServiceDep, interview_id: str, caller: PageCaller, fmt: str
                  ) -> Response:
    doc = await service.store.run(lambda: of_record(service, _owned(service, interview_id,
                                                                    caller)))
    # laying out a PDF takes CPU time: a worker thread keeps the event loop serving others
    done = await run_in_threadpool(render, doc, fmt)
    return Response(done.body, media_type=done.media_type, headers={
        **PRIVATE, "content-disposition": f'attachment; filename="{done.filename}"'})


def _add_export_route(fmt: str) -> None:
    async def export(interview_id: str, service: ServiceDep, caller: PageCaller) -> Response:
        return await _export(service, interview_id, caller, fmt)

    export.__name__ = f"export_{fmt}"
    router.add_api_route(f"/interviews/{{interview_id}}/export.{fmt}", export, methods=["GET"])


for _fmt in FORMATS:
    _add_export_route(_fmt)


def _scorecard(request: Request, service: ServiceDep, record: Record,
               **extra: Any) -> HTMLResponse:
    context = {**views.scorecard_context(service, record),
               "delivery": spoken_by_question(request.app.state.speech, record), **extra}
    return render_page(request, "scorecard.html", context)


@router.post("/interviews/{interview_id}/shares", response_class=HTMLResponse)
def create_share(request: Request, interview_id: str, service: ServiceDep,
                 caller: PageCaller, csrf_token: Annotated[str, Form()] = ""
                 ) -> HTMLResponse:
    """Make a share link and show the scorecard with its address, which is not stored."""
    csrf.verify(request, csrf_token)
    record = _owned(service, interview_id, caller)
    _, token = service.store.shares.create(record.id, now())
    url = str(request.base_url).rstrip("/") + f"/shared/{token}"
    response = _scorecard(request, service, record, new_share_url=url)
    response.headers.update(PRIVATE)
    return response


@router.post("/interviews/{interview_id}/shares/{share_id}/revoke")
def revoke_share(request: Request, interview_id: str, share_id: str,
                 service: ServiceDep, caller: PageCaller,
                 csrf_token: Annotated[str, Form()] = "") -> Response:
    csrf.verify(request, csrf_token)
    record = _owned(service, interview_id, caller)
    if not service.store.shares.revoke(record.id, share_id):
        raise HTTPException(404, "There is no such share link.")
    return _see_other(f"/interviews/{interview_id}/scorecard#share")


@router.get("/shared/{token}", response_class=HTMLResponse)
def shared(request: Request, token: str, service: ServiceDep) -> HTMLResponse:
    """The scorecard, read-only, for whoever holds a live link."""
    interview_id = service.store.shares.interview_for(token)
    try:
        record = service.store.load(interview_id) if interview_id else None
    except NotFound:
        record = None
    if record is None:
        raise HTTPException(404, GONE)
    response = _scorecard(request, service, record, shared=True)
    response.headers.update({**PRIVATE, "referrer-policy": "no-referrer",
                             "x-robots-tag": "noindex, nofollow"})
    return response
