"""Server-sent events: the next interviewer turn, sent to the page as the model writes it.

The page streams only when its form said JavaScript is on (`stream=1`): it grades the stored
answer, shows the next turn's box empty with `data-stream-url`, and the script appends each
`data: {"delta": ...}` event until `event: done`. Without JavaScript the page produces the
turn before it renders, as it always has, so no-JS candidates never see an empty question.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import StreamingResponse

from interviewer import engine
from interviewer.models.base import ModelUnavailable
from interviewer.service import Current, Interviews
from interviewer.storage import Busy, NotFound, Record, StorageUnavailable, now
from interviewer.web.auth import PageCaller
from interviewer.web.deps import ServiceDep
from interviewer.web.limits import spend_wait

router = APIRouter(include_in_schema=False)
UNAVAILABLE = ("The model is unavailable right now ({}). Your answer is saved; "
               "reload this page in a moment to continue.")
STORE_DOWN = ("The interview store could not be used just now ({}). Your answer is saved; "
              "reload this page in a moment to continue.")
WAIT = "Too many model requests just now: reload this page in {} seconds to continue."
GRADING = "Grading your answer… A slow model can take a minute or more."
_running: set[asyncio.Task[str | None]] = set()  # turns still being written after a disconnect


def stream_url(interview_id: str) -> str:
    return f"/interviews/{interview_id}/stream"


def upcoming_turn(service: Interviews, record: Record) -> Current | None:
    """The interviewer turn due next, with empty text, for a page that streams it in;
    None when nothing is due or the latest answer still needs grading."""
    state = record.state
    if state.finished or service.current(record) or engine.ungraded_question(state):
        return None
    step = engine.next_step(state, service.library)
    if isinstance(step, engine.Finish):
        return None
    kind = "question" if isinstance(step, engine.AskQuestion) else "follow_up"
    return Current(kind=kind, text="", question_id=step.question.id, turn=len(record.turns),
                   number=step.number, total=len(state.plan.question_ids), started_at=now())


def sse(data: dict[str, Any], event: str | None = None) -> str:
    """One server-sent event; JSON keeps any newline in the text inside a single data line."""
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {json.dumps(data)}\n\n"


async def turn_events(service: Interviews, interview_id: str) -> AsyncIterator[str]:
    """A delta event per chunk of the next turn, a notice if the model fails, then done."""
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    async def produce() -> str | None:
        try:
            # the candidate watched the new turn arrive: its time counts from now
            record = await service.advance(interview_id, on_delta=queue.put)
            await service.store.run(service.mark_seen, record)
            return None
        except ModelUnavailable as exc:
            return UNAVAILABLE.format(exc)
        except (StorageUnavailable, Busy) as exc:  # the answer was stored before this stream
            return STORE_DOWN.format(exc)
        finally:
            queue.put_nowait(None)

    # the turn is written to storage even if the browser goes away half-way
    task = asyncio.create_task(produce())
    _running.add(task)
    task.add_done_callback(_running.discard)
    while (delta := await queue.get()) is not None:
        yield sse({"delta": delta})
    notice = await task
    if notice:
        yield sse({"message": notice}, "notice")
    yield sse({}, "done")


async def grade_events(service: Interviews, interview_id: str) -> AsyncIterator[str]:
    """A "grading" event at once, then "graded" when the stored answer has its grade; the
    page then loads the next turn and streams it."""
    yield sse({"message": GRADING}, "grading")
    task = asyncio.create_task(service.advance(interview_id, ask=False))
    _running.add(task)  # the grade is stored even if the browser goes away
    task.add_done_callback(_running.discard)
    try:
        await task
    except ModelUnavailable as exc:
        yield sse({"message": UNAVAILABLE.format(exc)}, "notice")
        yield sse({}, "done")
        return
    except (StorageUnavailable, Busy) as exc:  # the answer was stored before this stream
        yield sse({"message": STORE_DOWN.format(exc)}, "notice")
        yield sse({}, "done")
        return
    yield sse({}, "graded")


def _calls_model(service: Interviews, record: Record) -> bool:
    """Whether streaming would call the model: to ask the next turn, and also to grade an
    answer posted without the page in between, which must not escape the rate limit."""
    return not record.state.finished and service.current(record) is None


async def _only(events: list[str]) -> AsyncIterator[str]:
    for event in events:
        yield event


@router.get("/interviews/{interview_id}/stream")
async def stream_turn(request: Request, interview_id: str, service: ServiceDep,
                      caller: PageCaller) -> StreamingResponse:
    """Stream the interview's next interviewer turn as server-sent events."""
    try:
        record = await service.store.run(service.load, interview_id, caller.owner_id)
    except NotFound:
        raise HTTPException(404, "There is no interview at this address.") from None
    wait = (await service.store.run(spend_wait, request, record.model)
            if _calls_model(service, record) else None)
    grading = not record.state.finished and engine.ungraded_question(record.state) is not None
    if wait is not None:
        events = _only([sse({"message": WAIT.format(wait)}, "notice"), sse({}, "done")])
    else:
        events = (grade_events if grading else turn_events)(service, interview_id)
    return StreamingResponse(events, media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
