"""Server-rendered pages: forms post, then redirect, so everything works without JavaScript."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from interviewer import engine
from interviewer.engine import PlanError
from interviewer.models.base import ModelUnavailable
from interviewer.models.registry import UnknownModel, default_model_name, model_choices
from interviewer.service import BadAnswer, NotAwaitingAnswer
from interviewer.storage import Conflict, NotFound, Record
from interviewer.web import csrf, views
from interviewer.web.auth import PageCaller, account_name, from_cookie
from interviewer.web.deps import ServiceDep, SettingsDep
from interviewer.web.limits import check_spend, spend_wait
from interviewer.web.speech import spoken_by_question
from interviewer.web.stream import UNAVAILABLE, stream_url, upcoming_turn

router = APIRouter(include_in_schema=False)
# The interview page alone may ask for the microphone, to record an answer.
MICROPHONE_HERE = "camera=(), microphone=(self), geolocation=(), interest-cohort=()"


def render(request: Request, name: str, context: dict[str, Any], status_code: int = 200
           ) -> HTMLResponse:
    templates = request.app.state.templates
    context = {"csrf_token": csrf.token_for(request), "account_name": account_name(request),
               **context}
    response = templates.TemplateResponse(request, name, context, status_code=status_code)
    csrf.set_cookie(request, response)
    return response


def _record(service: ServiceDep, interview_id: str, caller: PageCaller) -> Record:
    try:
        return service.load(interview_id, caller.owner_id)
    except NotFound:
        raise HTTPException(404, "There is no interview at this address.") from None


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _home(request: Request, service: ServiceDep, settings: SettingsDep,
          form: dict[str, str] | None = None, error: str | None = None,
          status_code: int = 200, owner: str | None = None) -> HTMLResponse:
    default = default_model_name(settings)
    notice = ("Questions come from the built-in library, and your answers are graded on this "
              "computer without an AI model." if default == "offline"
              else f"The interviewer and the grader are the AI model {default}, unless you pick "
                   "another below.")
    practised = service.practised(owner) if owner else frozenset()
    context = {**views.home_context(service.library, practised),
               "models": [{"value": v, "label": lbl} for v, lbl in model_choices(settings)],
               "default_model": default, "model_notice": notice, "form": form or {},
               "error": error}
    return render(request, "home.html", context, status_code)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, service: ServiceDep, settings: SettingsDep) -> HTMLResponse:
    caller = from_cookie(request)  # the home page hands out no session of its own
    return _home(request, service, settings, owner=caller.owner_id if caller else None)


@router.post("/interviews")
def start(request: Request, service: ServiceDep, settings: SettingsDep, caller: PageCaller,
          csrf_token: Annotated[str, Form()] = "", mode: Annotated[str, Form()] = "full",
          area: Annotated[str, Form()] = "", topic: Annotated[str, Form()] = "",
          questions: Annotated[str, Form()] = "", question_id: Annotated[str, Form()] = "",
          model: Annotated[str, Form()] = "", stream: Annotated[str, Form()] = "",
          level: Annotated[str, Form()] = "senior",
          repeat: Annotated[str, Form()] = "") -> Response:
    csrf.verify(request, csrf_token)
    form = {"mode": mode, "area": area, "topic": topic, "questions": questions,
            "question_id": question_id, "model": model, "level": level, "repeat": repeat}
    try:
        if mode == "single" and not question_id:
            raise PlanError("pick a question for “One question”, or choose another type")
        # each mode reads only its own fields; the others may still hold earlier choices
        count = int(questions) if questions.strip() and mode != "single" else None
        plan = service.plan(mode, (area or None) if mode == "area" else None,
                            (topic or None) if mode == "topic" else None, count,
                            question_id if mode == "single" else None, level or "senior",
                            done=frozenset() if repeat else service.practised(caller.owner_id))
        model = model or default_model_name(settings)
        service.models(model)
    except ValueError as exc:  # PlanError, UnknownModel and a non-numeric count
        message = str(exc) if isinstance(exc, PlanError | UnknownModel) else \
            "the number of questions must be a whole number from 1 to 8"
        return _home(request, service, settings, form, message[0].upper() + message[1:], 422,
                     caller.owner_id)
    check_spend(request, model)
    return _see_other(_page_url(service.create(plan, model, caller.owner_id), stream))


def _page_url(interview_id: str, stream: str) -> str:
    """The interview page; `stream=1` (sent by the page's script) streams the next turn in."""
    return f"/interviews/{interview_id}" + ("?stream=1" if stream == "1" else "")


async def _advance(request: Request, service: ServiceDep, record: Record, ask: bool = True
                   ) -> tuple[Record, str | None]:
    """Grade and ask the next turn, unless the model fails or this client must wait."""
    wait = await service.store.run(spend_wait, request, record.model)
    if wait is not None:
        return record, f"Your answer is saved. Too many model requests just now: reload this " \
                       f"page in {wait} seconds to continue."
    try:
        return await service.advance(record.id, ask=ask), None
    except ModelUnavailable as exc:
        return record, UNAVAILABLE.format(exc)


@router.get("/interviews/{interview_id}", response_class=HTMLResponse)
async def interview_page(request: Request, interview_id: str, service: ServiceDep,
                         caller: PageCaller, stream: str = "") -> Response:
    record = await service.store.run(_record, service, interview_id, caller)
    notice = upcoming = None
    streaming = stream == "1"
    if streaming and not record.state.finished and engine.ungraded_question(record.state):
        # the page says "grading" while its stream grades, then reloads to ask the next turn
        return render(request, "interview.html", {
            **views.interview_context(service, record), "error": None, "draft": "",
            "notice": None, "grading": True, "stream_url": stream_url(interview_id)})
    if not record.state.finished and service.current(record) is None:
        # an answer is stored and waits for its grade and the next turn; with the page's
        # script on, grade now and let the page stream the turn in (interviewer.web.stream)
        record, notice = await _advance(request, service, record, ask=not streaming)
        if streaming and notice is None:
            upcoming = upcoming_turn(service, record)
            if upcoming is None:
                record = await service.advance(interview_id)  # nothing left to ask: it ends
    if upcoming is None:
        # the timer counts from the first sight, anywhere
        record = await service.store.run(service.mark_seen, record)
    context = {**views.interview_context(service, record), "error": None, "draft": "",
               "notice": notice, "stream_url": None,
               "close": views.close_context(record) if record.state.finished else None}
    if upcoming is not None:
        context.update(current=views.current_view(upcoming, service.library),
                       stream_url=stream_url(interview_id))
    response = render(request, "interview.html", context)
    response.headers["permissions-policy"] = MICROPHONE_HERE
    return response


@router.post("/interviews/{interview_id}/answers")
def answer(request: Request, interview_id: str, service: ServiceDep, caller: PageCaller,
           csrf_token: Annotated[str, Form()] = "", text: Annotated[str, Form()] = "",
           turn: Annotated[str, Form()] = "", stream: Annotated[str, Form()] = "",
           recording: Annotated[str, Form(max_length=64)] = "") -> Response:
    csrf.verify(request, csrf_token)
    record = _record(service, interview_id, caller)
    seq = int(turn) if turn.isascii() and turn.isdigit() else None  # int("²") would raise
    try:
        service.submit(interview_id, text, seq)
        if recording and seq is not None:  # the answer began as a recording: keep its delivery
            request.app.state.speech.attach(interview_id, recording, seq)
    except (BadAnswer, NotAwaitingAnswer, Conflict) as exc:
        record = service.load(interview_id, caller.owner_id)
        error, link = views.answer_error(exc, record, service)
        context = {**views.interview_context(service, record), "draft": text, "error": error,
                   "error_link": link, "notice": None, "stream_url": None, "close": None}
        return render(request, "interview.html", context,
                      422 if isinstance(exc, BadAnswer) else 409)
    return _see_other(_page_url(interview_id, stream))


def _refused(request: Request, service: ServiceDep, record: Record, exc: Exception,
             **extra: Any) -> Response:
    """The interview page again, with why a question the candidate asked was not taken and
    what they typed still in its box (`clarify_draft` or `ask_draft` in `extra`)."""
    context = {**views.interview_context(service, record), "draft": "",
               "error": str(exc)[0].upper() + str(exc)[1:], "notice": None,
               "stream_url": None, **extra}
    return render(request, "interview.html", context, 422)


@router.post("/interviews/{interview_id}/clarifications")
def clarification(request: Request, interview_id: str, service: ServiceDep,
                  caller: PageCaller, csrf_token: Annotated[str, Form()] = "",
                  text: Annotated[str, Form()] = "") -> Response:
    """Ask about the scenario; the page comes back with the reply and the question open."""
    csrf.verify(request, csrf_token)
    record = _record(service, interview_id, caller)
    try:
        service.clarify(interview_id, text)
    except (BadAnswer, NotAwaitingAnswer, Conflict) as exc:
        return _refused(request, service, record, exc, clarify_draft=text)
    return _see_other(f"/interviews/{interview_id}#clarify")


@router.post("/interviews/{interview_id}/close-questions")
def close_question(request: Request, interview_id: str, service: ServiceDep,
                   caller: PageCaller, csrf_token: Annotated[str, Form()] = "",
                   text: Annotated[str, Form()] = "") -> Response:
    """A question about the role, after the close: stored with its answer in the transcript."""
    csrf.verify(request, csrf_token)
    record = _record(service, interview_id, caller)
    try:
        service.ask_after_close(interview_id, text)
    except (BadAnswer, NotAwaitingAnswer, Conflict) as exc:
        return _refused(request, service, record, exc, ask_draft=text,
                        close=views.close_context(record) if record.state.finished else None)
    return _see_other(f"/interviews/{interview_id}#your-questions")


@router.post("/interviews/{interview_id}/finish")
async def finish(request: Request, interview_id: str, service: ServiceDep, caller: PageCaller,
                 csrf_token: Annotated[str, Form()] = "",
                 confirm: Annotated[str, Form()] = "") -> Response:
    csrf.verify(request, csrf_token)
    record = await service.store.run(_record, service, interview_id, caller)
    left = views.unanswered(record)
    if left and not confirm and not record.state.finished:  # a confirm step, with or without JS
        return render(request, "finish.html", {"interview": views.interview_summary(record),
                                               "left": left})
    await service.store.run(check_spend, request, record.model)
    try:
        await service.finish(interview_id)
    except ModelUnavailable:
        await service.store.run(service.store.finish, interview_id)
    return _see_other(f"/interviews/{interview_id}/scorecard")


@router.get("/interviews/{interview_id}/scorecard", response_class=HTMLResponse)
def scorecard(request: Request, interview_id: str, service: ServiceDep,
              caller: PageCaller) -> HTMLResponse:
    record = _record(service, interview_id, caller)
    context = {**views.scorecard_context(service, record),
               "delivery": spoken_by_question(request.app.state.speech, record)}
    return render(request, "scorecard.html", context)


@router.get("/history", response_class=HTMLResponse)
def history(request: Request, service: ServiceDep, caller: PageCaller,
            after: str | None = None) -> HTMLResponse:
    """The caller's interviews, a page at a time (keyset pagination: any depth is cheap)."""
    rows, cursor = views.history_rows(service, caller.owner_id, after)
    return render(request, "history.html", {"interviews": rows, "next_cursor": cursor,
                                            "paged": bool(after)})


@router.post("/interviews/{interview_id}/delete")
def delete(request: Request, interview_id: str, service: ServiceDep, caller: PageCaller,
           csrf_token: Annotated[str, Form()] = "") -> Response:
    """Delete one of the caller's interviews for good, then show History."""
    csrf.verify(request, csrf_token)
    try:
        service.delete(interview_id, caller.owner_id)
    except NotFound:
        raise HTTPException(404, "There is no interview at this address.") from None
    return _see_other("/history")


@router.get("/calibration", response_class=HTMLResponse)
def calibration(request: Request, service: ServiceDep, caller: PageCaller
                ) -> HTMLResponse:
    return render(request, "calibration.html",
                  views.calibration_context(service, caller.owner_id))
