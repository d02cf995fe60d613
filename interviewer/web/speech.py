"""Answering out loud: upload or record audio, get a transcript and delivery figures.

Three routes: the JSON API's `POST /api/interviews/{id}/answers/audio` stores the transcript
as the answer; the page's recorder posts to `/interviews/{id}/transcribe` and puts the
transcript in the answer box to edit; without JavaScript, `/interviews/{id}/audio` does the
same through a plain upload form.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel

from interviewer.models.base import ModelUnavailable
from interviewer.service import NotAwaitingAnswer
from interviewer.speech.answers import SpokenAnswers
from interviewer.speech.audio import AudioError
from interviewer.storage import Conflict, NotFound, Record
from interviewer.storage.recordings import Recording
from interviewer.web import csrf
from interviewer.web.api import _errors
from interviewer.web.auth import ApiCaller, Caller, PageCaller
from interviewer.web.limits import spend_wait


async def get_speech(request: Request) -> SpokenAnswers:
    return request.app.state.speech


SpeechDep = Annotated[SpokenAnswers, Depends(get_speech)]
api_router = APIRouter(prefix="/api", tags=["interviews"])
page_router = APIRouter(include_in_schema=False)


class FigureOut(BaseModel):
    name: str
    value: float
    unit: str
    good: str
    verdict: str
    advice: str


class TranscriptOut(BaseModel):
    recording_id: str
    text: str
    engine: str
    seconds: float
    words_per_minute: float
    fillers_per_minute: float
    long_pauses: int | None
    target_seconds: int
    figures: list[FigureOut]
    audio_kept: bool


class SpokenAnswerOut(BaseModel):
    id: str
    status: str
    stored: bool
    transcript: TranscriptOut
    current: dict[str, Any] | None


def transcript_out(recording: Recording) -> TranscriptOut:
    delivery = recording.delivery or {}
    return TranscriptOut(
        recording_id=recording.id, text=recording.transcript or "",
        engine=recording.engine or "", seconds=recording.seconds or 0.0,
        words_per_minute=delivery.get("words_per_minute", 0.0),
        fillers_per_minute=delivery.get("fillers_per_minute", 0.0),
        long_pauses=delivery.get("long_pauses"), target_seconds=delivery.get("target_seconds", 0),
        figures=[FigureOut(**f) for f in delivery.get("figures", [])],
        audio_kept=recording.has_audio)


def _allowed(request: Request) -> None:
    """Transcription spends this machine's CPU: limit it per client like model spending."""
    limiter = request.app.state.rate_limiter
    host = request.client.host if request.client else "unknown"
    wait = limiter.retry_after(f"speech:{host}")
    if wait is not None:
        raise HTTPException(429, f"Too many recordings from this client; try again in {wait} "
                                 "seconds", headers={"Retry-After": str(wait)})


async def _read(audio: UploadFile, limit: int) -> bytes:
    """Read at most `limit` + 1 bytes, so an oversized upload is refused without keeping it."""
    return await audio.read(limit + 1)


def _problem(exc: Exception) -> HTTPException:
    if isinstance(exc, AudioError):
        status = 413 if "the limit is" in str(exc) else 422
        return HTTPException(status, str(exc))
    if isinstance(exc, NotFound):
        return HTTPException(404, "no such interview")
    return HTTPException(409, str(exc))


_EXPECTED = (AudioError, NotFound, NotAwaitingAnswer, Conflict)


@api_router.post("/interviews/{interview_id}/answers/audio", response_model=SpokenAnswerOut,
                 responses=_errors(400, 401, 404, 409, 413, 422, 429, 503))
async def answer_audio(request: Request, interview_id: str, speech: SpeechDep,
                       caller: ApiCaller,
                       audio: Annotated[UploadFile, File(description="the spoken answer")],
                       # int, not int | None: a form field cannot carry null, so the
                       # schema must not offer it ("null" is a 422, as it says)
                       turn: Annotated[int, Form(ge=0, le=10_000)] = None,  # type: ignore[assignment]
                       keep_audio: Annotated[bool, Form()] = False) -> SpokenAnswerOut:
    """Transcribe a spoken answer and store the transcript as the answer, then grade it.
    The audio is stored before it is transcribed; sending the same file again is safe."""
    await speech.interviews.store.run(_owned, speech, interview_id, caller)
    _allowed(request)
    data = await _read(audio, speech.transcriber.max_bytes)
    try:
        spoken = await speech.answer(interview_id, data, audio.filename or "answer", keep_audio,
                                     turn)
    except _EXPECTED as exc:
        raise _problem(exc) from None
    record = await _advance(request, speech, interview_id)
    current = speech.interviews.current(record)
    return SpokenAnswerOut(
        id=interview_id, status=record.status, stored=spoken.stored,
        transcript=transcript_out(spoken.recording),
        current=None if current is None else {"kind": current.kind, "text": current.text,
                                              "question_id": current.question_id,
                                              "turn": current.turn})


async def _advance(request: Request, speech: SpokenAnswers, interview_id: str) -> Record:
    """Grade the answer and ask the next turn, as the text route does; a model outage or an
    exhausted allowance leaves the stored answer waiting for the next request."""
    store = speech.interviews.store
    record = await store.run(store.load, interview_id)
    if await store.run(spend_wait, request, record.model) is not None:
        return record
    try:
        return await speech.interviews.advance(interview_id)
    except ModelUnavailable:
        return await store.run(store.load, interview_id)


def _owned(speech: SpokenAnswers, interview_id: str, caller: Caller) -> None:
    """404 unless the interview is the caller's, as for an id that never existed."""
    try:
        speech.interviews.load(interview_id, caller.owner_id)
    except NotFound:
        raise HTTPException(404, f"no interview with id {interview_id!r}") from None


@page_router.post("/interviews/{interview_id}/transcribe")
async def transcribe_for_page(request: Request, interview_id: str, speech: SpeechDep,
                              audio: Annotated[UploadFile, File()],
                              caller: PageCaller, csrf_token: Annotated[str, Form()] = "",
                              keep_audio: Annotated[str, Form()] = "") -> JSONResponse:
    """The recorder's upload: the transcript comes back for the answer box, not yet stored
    as the answer, so the candidate can correct it first."""
    csrf.verify(request, csrf_token)
    await speech.interviews.store.run(_owned, speech, interview_id, caller)
    _allowed(request)
    data = await _read(audio, speech.transcriber.max_bytes)
    try:
        recording = await speech.transcribe(interview_id, data, audio.filename or "answer.webm",
                                            keep_audio == "1")
    except _EXPECTED as exc:
        problem = _problem(exc)
        return JSONResponse({"detail": problem.detail}, status_code=problem.status_code)
    return JSONResponse(transcript_out(recording).model_dump())


@page_router.post("/interviews/{interview_id}/audio", response_class=HTMLResponse)
async def upload_for_page(request: Request, interview_id: str, speech: SpeechDep,
                          audio: Annotated[UploadFile, File()],
                          caller: PageCaller, csrf_token: Annotated[str, Form()] = "",
                          keep_audio: Annotated[str, Form()] = "") -> Response:
    """Without JavaScript: an uploaded recording is transcribed into the answer box."""
    from interviewer.web import pages, views

    csrf.verify(request, csrf_token)
    await speech.interviews.store.run(_owned, speech, interview_id, caller)
    _allowed(request)
    data = await _read(audio, speech.transcriber.max_bytes)
    record = await speech.interviews.store.run(speech.interviews.store.load, interview_id)
    context = {**views.interview_context(speech.interviews, record), "error": None,
               "notice": None, "stream_url": None, "draft": "", "recording": None}
    try:
        recording = await speech.transcribe(interview_id, data, audio.filename or "answer",
                                            keep_audio == "1")
    except _EXPECTED as exc:
        problem = _problem(exc)
        context["error"] = str(problem.detail)[0].upper() + str(problem.detail)[1:]
        return pages.render(request, "interview.html", context, problem.status_code)
    context.update(draft=recording.transcript, recording=transcript_out(recording))
    return pages.render(request, "interview.html", context)


def spoken_by_question(speech: SpokenAnswers, record: Record) -> dict[str, list[TranscriptOut]]:
    """Delivery figures of each question's spoken answers, for the scorecard."""
    out: dict[str, list[TranscriptOut]] = {}
    for recording in speech.recordings.for_interview(record.id):
        seq = recording.answer_seq
        if seq is not None and 0 <= seq < len(record.turns):
            qid = record.turns[seq].turn.question_id
            out.setdefault(qid, []).append(transcript_out(recording))
    return out
