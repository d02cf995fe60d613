"""The Progress page, the comparison of attempts at one question, and "Retry this question":
coaching over weeks, always for the caller's own interviews only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from interviewer.engine import PlanError
from interviewer.models.registry import UnknownModel, default_model_name
from interviewer.progress import overview
from interviewer.progress.compare import attempts_of, compare
from interviewer.storage import NotFound
from interviewer.web import csrf
from interviewer.web.auth import PageCaller
from interviewer.web.deps import ServiceDep, SettingsDep
from interviewer.web.limits import check_spend
from interviewer.web.pages import render
from interviewer.web.progress_views import compare_context, progress_context

router = APIRouter(include_in_schema=False)
NO_ATTEMPTS = "You have no graded attempt at this question."


@router.get("/progress", response_class=HTMLResponse)
def progress(request: Request, service: ServiceDep, caller: PageCaller) -> HTMLResponse:
    """Trends per criterion and topic, the weakest criteria and the next practice."""
    found = overview.for_owner(service.store, service.library, caller.owner_id)
    return render(request, "progress.html", progress_context(found))


@router.get("/progress/questions/{question_id}", response_class=HTMLResponse)
def compare_attempts(request: Request, question_id: str, service: ServiceDep,
                     caller: PageCaller, before: str = "", after: str = ""
                     ) -> HTMLResponse:
    """Two attempts side by side: the latest two unless `before` and `after` name others.
    Someone with no attempt at the question gets 404, as for an interview not theirs."""
    found = overview.for_owner(service.store, service.library, caller.owner_id)
    tries = attempts_of(found.attempts, question_id)
    if not tries:
        raise HTTPException(404, NO_ATTEMPTS)
    by_id = {a.interview_id: a for a in tries}
    if (before and before not in by_id) or (after and after not in by_id):
        raise HTTPException(404, NO_ATTEMPTS)
    order = {a.interview_id: i for i, a in enumerate(tries)}  # oldest first
    later = by_id[after] if after else tries[-1]
    earlier = by_id[before] if before else (tries[order[later.interview_id] - 1]
                                            if order[later.interview_id] > 0 else None)
    if earlier is not None and order[earlier.interview_id] > order[later.interview_id]:
        earlier, later = later, earlier
    comparison = compare(earlier, later) if earlier is not None and earlier != later else None
    return render(request, "compare.html", compare_context(tries, comparison, later))


@router.post("/interviews/{interview_id}/retry")
def retry(request: Request, interview_id: str, service: ServiceDep,
          settings: SettingsDep, caller: PageCaller,
          csrf_token: Annotated[str, Form()] = "",
          question_id: Annotated[str, Form()] = "",
          stream: Annotated[str, Form()] = "") -> RedirectResponse:
    """A one-question interview on a question of this interview, practised before or not,
    with the same model and level so the attempts compare like for like."""
    csrf.verify(request, csrf_token)
    try:
        record = service.load(interview_id, caller.owner_id)
    except NotFound:
        raise HTTPException(404, "There is no interview at this address.") from None
    if question_id not in record.state.plan.question_ids:
        raise HTTPException(404, "That question is not part of this interview.")
    model = record.model
    try:
        service.models(model)
    except UnknownModel:  # that model is no longer configured: practise with today's
        model = default_model_name(settings)
    try:
        plan = service.plan("single", question_id=question_id, level=record.state.plan.level)
    except PlanError as exc:  # the question has left the library since
        raise HTTPException(404, str(exc)) from None
    check_spend(request, model)
    new_id = service.create(plan, model, caller.owner_id)
    return RedirectResponse(f"/interviews/{new_id}" + ("?stream=1" if stream == "1" else ""),
                            status_code=303)
