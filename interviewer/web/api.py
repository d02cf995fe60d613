"""The JSON API: the contract scripts and tests use."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator

from interviewer.engine import PlanError
from interviewer.models.base import ModelUnavailable
from interviewer.models.registry import UnknownModel, default_model_name
from interviewer.scoring import Scorecard, Usage
from interviewer.service import (
    MAX_QUESTION_CHARS,
    BadAnswer,
    Current,
    Interviews,
    NotAwaitingAnswer,
)
from interviewer.storage import Conflict, NotFound, Record
from interviewer.storage.shared import Claimed
from interviewer.taxonomy import Area, Level, Topic
from interviewer.web import idempotency
from interviewer.web.auth import ApiCaller, Caller
from interviewer.web.deps import ServiceDep, SettingsDep
from interviewer.web.idempotency import KeyHeader
from interviewer.web.limits import check_spend, require_json


class ErrorOut(BaseModel):
    detail: str
    id: str | None = Field(default=None, description="on a 503 from creating an interview: "
                           "the interview that was created; reopen it instead of retrying")


def _errors(*codes: int) -> dict[int | str, dict]:
    meaning = {400: "unreadable body", 401: "no valid API token or session",
               404: "no such interview of yours (creating one: no such question or model)",
               409: "not waiting for that, or an Idempotency-Key reused with another body",
               413: "answer too long", 415: "body is not JSON", 422: "invalid input",
               429: "too many model requests", 503: "model unavailable; answer saved"}
    return {code: {"model": ErrorOut, "description": meaning[code]} for code in codes}


router = APIRouter(prefix="/api", tags=["interviews"])
JSON_ONLY = [Depends(require_json)]


class StrictBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _whole(cls, value: object) -> object:
        """JSON Schema counts 2.0 as an integer, so the API does too; `true` and "2" stay
        refused, which the strict integer fields are for."""
        return int(value) if isinstance(value, float) and value.is_integer() else value


def _drill_needs(mode: str, field: str) -> dict:
    """JSON Schema for "an `mode` drill names its `field`", which a plain field cannot say."""
    return {"if": {"properties": {"mode": {"const": mode}}, "required": ["mode"]},
            "then": {"required": [field], "properties": {field: {"type": "string"}}}}


class CreateInterview(StrictBody):
    model_config = ConfigDict(json_schema_extra={
        "allOf": [_drill_needs("area", "area"), _drill_needs("topic", "topic")]})

    mode: Literal["full", "area", "topic", "single"] = "full"
    area: Area | None = None
    topic: Topic | None = None
    questions: int | None = Field(default=None, ge=1, le=8, strict=True)  # true is not 1
    question_id: str | None = Field(default=None, min_length=1, max_length=100)
    model: str | None = Field(default=None, min_length=1, max_length=200, pattern=r"\S")
    level: Level = Field(default="senior", description="the level you are interviewing at: "
                         "pm, senior or staff; the outline and the grading bar follow it")


# What Interviews.validate_answer accepts, said in the schema so that a client generated
# from it never sends a 422: some character that is not a space, and no control characters
# but tab and line breaks. (Lone surrogates, also refused, cannot be written in a pattern
# that every JSON Schema regex engine accepts.)
_PLAIN = r"[^\x00-\x08\x0B\x0C\x0E-\x1F]"
TEXT_SCHEMA = {"minLength": 1, "pattern": rf"^{_PLAIN}*[^\s\x00-\x1F]{_PLAIN}*$"}
MAX_TURN = 10_000  # far beyond any interview's length, well inside a 64-bit integer


class AnswerBody(StrictBody):
    # the schema says what the app checks itself, with a message a candidate can act on
    text: str = Field(json_schema_extra=TEXT_SCHEMA)
    turn: int | None = Field(default=None, ge=0, le=MAX_TURN, strict=True,
                             description="position of the turn answered")


class ClarifyBody(StrictBody):
    text: str = Field(description="a clarifying question about the current question's scenario",
                      max_length=MAX_QUESTION_CHARS, json_schema_extra=TEXT_SCHEMA)


class CloseQuestionBody(StrictBody):
    text: str = Field(description="a question about the role, asked once the interview is over",
                      max_length=MAX_QUESTION_CHARS, json_schema_extra=TEXT_SCHEMA)


class CloseReplyOut(BaseModel):
    asked: str = Field(description="the question as stored, its runs of spaces made one")
    reply: str = Field(description="the interviewer's answer about the role")


class ClarificationOut(BaseModel):
    asked: str
    reply: str = Field(description="the scenario facts asked for, or a nudge to assume and go on")
    current: CurrentOut | None = Field(description="the turn still waiting for an answer")


class CurrentOut(BaseModel):
    kind: Literal["question", "follow_up"]
    text: str
    question_id: str
    turn: int
    number: int
    total: int


class InterviewState(BaseModel):
    id: str
    status: Literal["in_progress", "completed"]
    current: CurrentOut | None


class TurnOut(BaseModel):
    seq: int
    role: Literal["interviewer", "candidate"]
    kind: Literal["question", "follow_up", "answer", "clarify", "clarification", "close",
                  "close_question", "close_answer"]
    question_id: str
    text: str
    criterion: str | None
    created_at: str
    usage: Usage | None = Field(default=None, description="model tokens and estimated cost: "
                                "asking this turn, or grading this answer")


class InterviewOut(InterviewState):
    mode: str
    area: str | None
    topic: str | None
    level: str
    model: str
    created_at: str
    question_ids: list[str]
    turns: list[TurnOut]
    usage: Usage = Field(description="model tokens and estimated cost for the whole interview")


def _current(cur: Current | None) -> CurrentOut | None:
    if cur is None:
        return None
    return CurrentOut(kind=cur.kind, text=cur.text, question_id=cur.question_id, turn=cur.turn,
                      number=cur.number, total=cur.total)


def _state(service: ServiceDep, record: Record) -> InterviewState:
    record = service.mark_seen(record)  # the client is shown the turn: its time starts now
    return InterviewState(id=record.id, status=record.status,
                          current=_current(service.current(record)))


def _load(service: ServiceDep, interview_id: str, caller: Caller) -> Record:
    try:
        return service.load(interview_id, caller.owner_id)
    except NotFound:
        raise HTTPException(404, f"no interview with id {interview_id!r}") from None


def _unavailable(exc: Exception) -> HTTPException:
    return HTTPException(503, f"the model is unavailable: {exc}. Your answer is saved; "
                              "retry the request or reopen the interview to resume.")


async def _after(service: ServiceDep, step: Awaitable[Record]) -> InterviewState:
    """The interview's state once `step` (which may call the model) is done; 503 if the
    model is unavailable, by which time every answer is already stored."""
    try:
        record = await step
    except ModelUnavailable as exc:
        raise _unavailable(exc) from None
    return await service.store.run(_state, service, record)


async def _advanced(service: ServiceDep, interview_id: str,
                    first: Callable[[], object] | None = None) -> InterviewState:
    """`_after` for `advance`, with `first` and the reply riding on the lease's own trips to
    the database threads: each trip saved is a wait for the busy event loop saved."""
    try:
        return await service.advance_then(interview_id, functools.partial(_state, service),
                                          first)
    except ModelUnavailable as exc:
        raise _unavailable(exc) from None


@router.post("/interviews", status_code=status.HTTP_201_CREATED, response_model=InterviewState,
             dependencies=JSON_ONLY,
             responses=_errors(400, 401, 404, 409, 415, 422, 429, 503))
async def create_interview(body: CreateInterview, request: Request, service: ServiceDep,
                           settings: SettingsDep, caller: ApiCaller,
                           idempotency_key: KeyHeader = None) -> JSONResponse:
    """Plan an interview and return its first question."""
    model = body.model or default_model_name(settings)
    if body.question_id is not None and body.question_id not in service.library.questions:
        raise HTTPException(404, f"no question with id {body.question_id!r}; "
                                 "`interviewer questions` lists them")
    try:
        service.models(model)
    except UnknownModel as exc:  # well formed, but this server has no such model to offer
        raise HTTPException(404, str(exc)) from None
    if not service.library.filter(area=body.area, topic=body.topic):
        raise HTTPException(404, f"no questions in area {body.area} on topic {body.topic}: "
                                 "leave one of them out")
    try:
        plan = service.plan(body.mode, body.area, body.topic, body.questions, body.question_id,
                            body.level)
    except PlanError as exc:
        raise HTTPException(422, str(exc)) from None

    def begin(claim: Claimed) -> str:
        """Blocking (the rate window and the new interview are in the database): it runs
        in the store's threads."""
        check_spend(request, model)
        interview_id = claim.resource  # made by an earlier attempt with this key that failed
        if interview_id is None:
            interview_id = service.create(plan, model, caller.owner_id)
            if idempotency_key:
                service.store.idempotency.set_resource(scope, idempotency_key, interview_id)
        return interview_id

    async def run(claim: Claimed) -> tuple[int, InterviewState]:
        interview_id = await service.store.run(begin, claim)
        try:  # the reply is made in the trip that lets the interview go
            state = await service.advance_then(interview_id, functools.partial(_state, service))
        except ModelUnavailable as exc:
            raise _CreatedButUnavailable(interview_id, exc) from None
        return 201, state

    scope = f"create:{caller.owner_id}"  # one candidate's key never replays another's reply
    try:
        return await idempotency.once(service.store, scope, idempotency_key, body, run)
    except _CreatedButUnavailable as exc:  # the interview exists: say which, so a retry
        url = f"/api/interviews/{exc.interview_id}"  # reopens it instead of making another
        return JSONResponse(
            status_code=503, headers={"Location": url},
            content={"detail": f"the model is unavailable: {exc.cause}. Interview "
                               f"{exc.interview_id} was created and saved; open /interviews/"
                               f"{exc.interview_id} to continue it when the model is back, "
                               "rather than creating another.", "id": exc.interview_id})


class _CreatedButUnavailable(Exception):
    """The interview was created but its first question could not be asked."""

    def __init__(self, interview_id: str, cause: ModelUnavailable):
        super().__init__(str(cause))
        self.interview_id = interview_id
        self.cause = cause


@router.post("/interviews/{interview_id}/answers", response_model=InterviewState,
             dependencies=JSON_ONLY,
             responses=_errors(400, 401, 404, 409, 413, 415, 422, 429, 503))
async def submit_answer(interview_id: str, body: AnswerBody, request: Request,
                        service: ServiceDep, caller: ApiCaller,
                        idempotency_key: KeyHeader = None) -> JSONResponse:
    """Store an answer, grade it, and return what the interviewer asks next."""
    # with a key, the owner check comes before the key is claimed; without one it is made
    # with the answer, in one trip to the store's threads
    checked = (await service.store.run(_load, service, interview_id, caller)
               if idempotency_key else None)

    def store_answer() -> None:
        """Blocking: it runs in the store's threads. Without a key the record is loaded
        here, right before the answer, so it is current and `submit` need not load it."""
        record = checked or _load(service, interview_id, caller)
        fresh = record if idempotency_key is None else None
        try:
            service.submit(interview_id, body.text, body.turn, fresh)
        except BadAnswer as exc:
            code = 413 if len(body.text) > service.max_answer_chars else 422
            raise HTTPException(code, str(exc)) from None
        except (NotAwaitingAnswer, Conflict) as exc:
            raise HTTPException(409, str(exc)) from None
        check_spend(request, record.model, saved=True)  # only after the answer is stored

    async def run(_: Claimed) -> tuple[int, InterviewState]:
        return 200, await _advanced(service, interview_id, first=store_answer)

    return await idempotency.once(service.store, f"answers:{interview_id}", idempotency_key,
                                  body, run)


def _replied(service: Interviews, text: str, ask: Callable[[], str]) -> str:
    """The interviewer's reply to a question the candidate typed, or the HTTP error it earns:
    too long is 413 past the answer limit and 422 below it, and the wrong moment is 409."""
    try:
        return ask()
    except BadAnswer as exc:
        raise HTTPException(413 if len(text) > service.max_answer_chars else 422,
                            str(exc)) from None
    except (NotAwaitingAnswer, Conflict) as exc:
        raise HTTPException(409, str(exc)) from None


@router.post("/interviews/{interview_id}/clarifications", response_model=ClarificationOut,
             dependencies=JSON_ONLY, responses=_errors(400, 401, 404, 409, 413, 415, 422))
def ask_clarification(interview_id: str, body: ClarifyBody, service: ServiceDep,
                      caller: ApiCaller) -> ClarificationOut:
    """Ask about the scenario; the reply gives the facts asked for. The question stays open:
    asking does not use up the answer."""
    _load(service, interview_id, caller)
    reply = _replied(service, body.text, lambda: service.clarify(interview_id, body.text))
    return ClarificationOut(asked=body.text, reply=reply,
                            current=_current(service.current(service.store.load(interview_id))))


@router.post("/interviews/{interview_id}/close-questions", response_model=CloseReplyOut,
             dependencies=JSON_ONLY, responses=_errors(400, 401, 404, 409, 413, 415, 422))
def ask_about_the_role(interview_id: str, body: CloseQuestionBody, service: ServiceDep,
                       caller: ApiCaller) -> CloseReplyOut:
    """After the close, ask the interviewer about the role, as the finished page does; the
    question and its reply join the transcript."""
    _load(service, interview_id, caller)
    reply = _replied(service, body.text, lambda: service.ask_after_close(interview_id, body.text))
    return CloseReplyOut(asked=" ".join(body.text.split()), reply=reply)


@router.post("/interviews/{interview_id}/finish", response_model=InterviewState,
             dependencies=JSON_ONLY, responses=_errors(401, 404, 415, 429, 503))
async def finish_interview(interview_id: str, request: Request, service: ServiceDep,
                           caller: ApiCaller) -> InterviewState:
    """End the interview now; what was answered is graded."""

    def check() -> None:
        check_spend(request, _load(service, interview_id, caller).model)

    await service.store.run(check)
    return await _after(service, service.finish(interview_id))


@router.get("/interviews/{interview_id}", response_model=InterviewOut,
            responses=_errors(401, 404))
def get_interview(interview_id: str, service: ServiceDep, caller: ApiCaller
                  ) -> InterviewOut:
    """The interview's status and every turn in order."""
    record = service.mark_seen(_load(service, interview_id, caller))
    plan = record.state.plan
    turns = [TurnOut(seq=t.seq, role=t.turn.role, kind=t.turn.kind,
                     question_id=t.turn.question_id, text=t.turn.text,
                     criterion=t.turn.criterion, created_at=t.created_at, usage=t.usage)
             for t in record.turns]
    return InterviewOut(id=record.id, status=record.status,
                        current=_current(service.current(record)), mode=plan.mode,
                        area=plan.area, topic=plan.topic, level=plan.level, model=record.model,
                        created_at=record.created_at, question_ids=list(plan.question_ids),
                        turns=turns, usage=record.usage)


@router.get("/interviews/{interview_id}/scorecard", response_model=Scorecard,
            responses=_errors(401, 404, 409))
def get_scorecard(interview_id: str, service: ServiceDep, caller: ApiCaller
                  ) -> Scorecard:
    """Per question and criterion: score, verbatim evidence, what was missed, the outline."""
    _load(service, interview_id, caller)
    card = service.scorecard(interview_id)
    if not card.questions:
        raise HTTPException(409, "no answer has been graded yet: answer a question first")
    return card


@router.get("/interviews/{interview_id}/export", responses=_errors(401, 404))
def export_interview(interview_id: str, service: ServiceDep, caller: ApiCaller
                     ) -> dict[str, Any]:
    """The whole interview to keep: every turn in order, and per question the scores,
    evidence, gaps, outline and red flags; the same document as the page's `export.json`
    (Markdown and PDF: `/interviews/{id}/export.md` and `.pdf` in a signed-in browser)."""
    from interviewer.exports.document import of_record

    return of_record(service, _load(service, interview_id, caller))


class InterviewSummary(BaseModel):
    id: str
    status: Literal["in_progress", "completed"]
    mode: str
    area: str | None
    topic: str | None
    model: str
    created_at: str


class InterviewPage(BaseModel):
    interviews: list[InterviewSummary]
    next: str | None = Field(description="pass as `after` for the next, older page; null on "
                                         "the last page")


@router.get("/interviews", response_model=InterviewPage, responses=_errors(401, 422))
def list_interviews(service: ServiceDep, caller: ApiCaller, after: str | None = None,
                    limit: int = Query(default=20, ge=1, le=100)) -> InterviewPage:
    """Your interviews, newest first, a page at a time."""
    records, cursor = service.store.list_page(caller.owner_id, after, limit)
    rows = [InterviewSummary(id=r.id, status=r.status, mode=r.state.plan.mode,
                             area=r.state.plan.area, topic=r.state.plan.topic, model=r.model,
                             created_at=r.created_at) for r in records]
    return InterviewPage(interviews=rows, next=cursor)


@router.delete("/interviews/{interview_id}", status_code=status.HTTP_204_NO_CONTENT,
               responses=_errors(401, 404))
def delete_interview(interview_id: str, service: ServiceDep, caller: ApiCaller
                     ) -> Response:
    """Delete one of your interviews, its answers and its grades, for good."""
    try:
        service.delete(interview_id, caller.owner_id)
    except NotFound:
        raise HTTPException(404, f"no interview with id {interview_id!r}") from None
    return Response(status_code=status.HTTP_204_NO_CONTENT)
