"""Runs interviews: the engine's decisions, the model's words, and storage, in a safe order.

The order is the product's promise: an answer is stored first, then graded, then the
next turn is produced. If anything after the first step fails, `advance` picks up
exactly where it stopped.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import TypeVar

from interviewer import clarify, conversation, engine
from interviewer.engine import AskFollowUp, AskQuestion, Finish, State, Turn
from interviewer.library import Library
from interviewer.llm.ledger import Metered
from interviewer.models.base import InterviewModel, ModelUnavailable
from interviewer.scoring import Scorecard
from interviewer.storage import (
    LOCAL_OWNER,
    Conflict,
    Duplicate,
    Record,
    Store,
    StoredTurn,
    now,
)
from interviewer.storage.shared import Held

ModelFactory = Callable[[str], InterviewModel]
T = TypeVar("T")
# control characters other than tab and line breaks, and lone surrogates: one regex scan
# (~1 µs for a 375-character answer, where a Python loop over its characters took ~90 µs)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
DeltaSink = Callable[[str], Awaitable[None]]
# A clarifying or closing question is a sentence or two typed into a one-line box: past
# this it is almost surely an answer pasted into the wrong box, which the candidate should
# hear about rather than see stored (or cut) as a question.
MAX_QUESTION_CHARS = 2_000
log = logging.getLogger(__name__)


class BadAnswer(ValueError):
    """The answer cannot be accepted as given; the message says why."""


class NotAwaitingAnswer(Exception):
    """The interview is finished, or its next question is not ready yet."""


@dataclass(frozen=True)
class Current:
    kind: str
    text: str
    question_id: str
    turn: int
    number: int
    total: int
    started_at: str


class Interviews:
    """The application layer shared by the web app and the CLI."""

    def __init__(self, store: Store, library: Library, models: ModelFactory,
                 max_answer_chars: int = 20_000, lease_seconds: float = 30.0):
        self.store = store
        self.library = library
        self.models = models
        self.max_answer_chars = max_answer_chars
        self.lease_seconds = lease_seconds

    @asynccontextmanager
    async def _open(self, interview_id: str, first: Callable[[], object] | None = None
                    ) -> AsyncIterator[Held[Record]]:
        """The interview (`.value`), for one request to advance it.

        One request at a time advances an interview, across every process and host: a
        lease row in the database, never a lock in this process's memory. The lease is
        taken and the record read (with its token spend, then kept from each write) in one
        trip to a worker thread, after `first` in that same trip, and all the spend is
        written before the lease is let go.
        """
        async with self.store.leases.hold(f"interview:{interview_id}", ttl=self.lease_seconds,
                                          then=functools.partial(self._begin, interview_id),
                                          first=first) as held:
            try:
                yield held
            except BaseException:
                await self.store.token_spend.finish(interview_id)
                raise
            if held.last is None:
                await self.store.token_spend.finish(interview_id)
            else:  # written in the trip that lets the lease go, before it goes
                held.last = functools.partial(self._settled, interview_id, held.last)

    def _settled(self, interview_id: str, last: Callable[[], T]) -> T:
        """Blocking: `last`, then whatever token spend is still queued, then let the figure
        go; the lease is let go after, in the same trip."""
        spend = self.store.token_spend
        try:
            return last()
        finally:
            try:
                spend.flush(interview_id)
            finally:
                spend.drop(interview_id)

    def _begin(self, interview_id: str) -> Record:
        """Blocking, under the lease just taken: hold the token spend, and read the record
        (the spend comes with it)."""
        spend = self.store.token_spend
        spend.start(interview_id)
        try:
            return self.store.load(interview_id)
        except BaseException:
            spend.drop(interview_id)
            raise

    def plan(self, mode: str = "full", area: str | None = None, topic: str | None = None,
             count: int | None = None, question_id: str | None = None,
             level: str = "senior", done: frozenset[str] = frozenset()) -> engine.Plan:
        return engine.plan_interview(self.library, mode, area, topic, count, question_id,
                                     level=level, done=done)

    def practised(self, owner: str | None = None, recent: int = 100) -> frozenset[str]:
        """Questions answered in recent interviews, which a new plan avoids."""
        return frozenset(qid for record in self.store.list_recent(recent, owner=owner)
                         for qid in record.state.grades)

    def create(self, plan: engine.Plan, model_name: str, owner: str = LOCAL_OWNER) -> str:
        """Store a new interview for `owner` (the routes name the caller's; the default, the
        CLI's local owner, opens to no one when accounts are on); the first question comes
        from `advance`."""
        self.models(model_name)  # fail now, not mid-interview, on an unknown model
        return self.store.create(plan, model_name, owner)

    def load(self, interview_id: str, owner: str) -> Record:
        """The owner's interview; NotFound when it is someone else's, so that nobody can
        learn whether another candidate's interview exists."""
        return self.store.load(interview_id, owner)

    def delete(self, interview_id: str, owner: str) -> None:
        """Delete one of the owner's interviews for good."""
        self.load(interview_id, owner)
        self.store.delete_interview(interview_id)

    def validate_answer(self, text: str, what: str = "answer") -> str:
        """Reject what cannot be an answer (or a question), with a message a candidate can
        act on."""
        if not isinstance(text, str) or not text.strip():
            raise BadAnswer(f"the {what} is empty: write your {what} before submitting")
        if len(text) > self.max_answer_chars:
            raise BadAnswer(f"the {what} is {len(text):,} characters; the limit is "
                            f"{self.max_answer_chars:,}. Shorten it and submit again")
        if _CONTROL.search(text):
            raise BadAnswer(f"the {what} contains control characters; paste it as plain text")
        return text

    def validate_question(self, text: str) -> str:
        """A clarifying or closing question: checked like an answer, and refused whole, never
        cut, past `MAX_QUESTION_CHARS`."""
        text = self.validate_answer(text, "question")
        if len(text) > MAX_QUESTION_CHARS:
            raise BadAnswer(f"the question is {len(text):,} characters; the limit for a "
                            f"question is {MAX_QUESTION_CHARS:,}. Shorten it and ask again, "
                            "or put the rest in your answer")
        return text

    def submit(self, interview_id: str, text: str, turn: int | None = None,
               record: Record | None = None) -> bool:
        """Store an answer to the open interviewer turn; False when it repeats a stored one.

        `turn` is the position of the interviewer turn being answered. With it, a retried
        or double-clicked submit is recognised even after the interview has moved on.
        Without it, the same text sent again while the same question is open (its
        follow-ups included) is the same answer, recorded once. `record` is the interview
        as the caller just loaded it, with nothing awaited since, to save loading it again;
        a stale one can only cost a Conflict, never a wrong seq: the turn's primary key holds.
        """
        text = self.validate_answer(text)
        record = record or self.store.load(interview_id)
        open_seq = _open_turn_seq(record)
        if turn is None and _repeats_answer(record, text):
            return False
        if turn is None or turn == open_seq:
            if open_seq is None:
                raise NotAwaitingAnswer(_not_waiting(record))
            asked = record.turns[open_seq].turn
            answer = Turn("candidate", "answer", asked.question_id, text)
            return self.store.add_answer(interview_id, _next_seq(record), answer)
        reply = _answer_after(record, turn)
        if reply is not None and reply.text == text:
            return False
        raise Conflict(f"turn {turn} is not the question waiting for an answer; "
                       "reload the interview to see the current one")

    def clarify(self, interview_id: str, text: str) -> str:
        """Store a clarifying question on the open turn, then store and return the reply.

        The question is stored before anything else happens to it. The reply comes from the
        question's scenario facts, the same whichever model runs the interview, and the
        turn stays open: asking never uses up the answer.
        """
        text = self.validate_question(text)
        record = self.store.load(interview_id)
        open_seq = _open_turn_seq(record)
        if open_seq is None:
            raise NotAwaitingAnswer(_not_waiting(record))
        qid = record.turns[open_seq].turn.question_id
        seq = _next_seq(record)
        self._add(interview_id, seq, Turn("candidate", "clarify", qid, text))
        earlier = len(engine.clarifications_for(record.state.turns, qid))
        answer = clarify.reply(self.library.question(qid), text, earlier)
        self._add(interview_id, seq + 1, Turn("interviewer", "clarification", qid, answer))
        return answer

    def ask_after_close(self, interview_id: str, text: str) -> str:
        """Store the candidate's question about the role, asked after the close, then store
        and return the interviewer's reply from `conversation.yaml`, so the finished page,
        the scorecard and the exports keep the whole conversation."""
        text = " ".join(self.validate_question(text).split())
        record = self.store.load(interview_id)
        if not record.state.finished:
            raise NotAwaitingAnswer("questions about the role come at the end: finish the "
                                    "interview first")
        qid = record.turns[-1].turn.question_id if record.turns else ""
        seq = _next_seq(record)
        self._add(interview_id, seq, Turn("candidate", "close_question", qid, text))
        reply = conversation.close_reply(text)
        answer = reply.answer if reply else conversation.close_fallback()
        self._add(interview_id, seq + 1, Turn("interviewer", "close_answer", qid, answer))
        return answer

    def mark_seen(self, record: Record) -> Record:
        """Note that the candidate now sees the turn waiting for an answer, the first time
        only; the returned record carries it, for the page being rendered."""
        seq = _open_turn_seq(record)
        if seq is None or record.turns[seq].seen_at is not None:
            return record
        seen = now()
        self.store.mark_seen(record.id, seq, seen)
        turns = list(record.turns)
        turns[seq] = replace(turns[seq], seen_at=seen)
        return replace(record, turns=turns)

    def _add(self, interview_id: str, seq: int, turn: Turn) -> None:
        try:
            self.store.add_turn(interview_id, seq, turn)
        except Duplicate:
            raise Conflict("the interview moved on while you were asking; reload it and ask "
                           "again") from None

    async def advance(self, interview_id: str, on_delta: DeltaSink | None = None,
                      ask: bool = True) -> Record:
        """Grade whatever is ungraded and produce the next interviewer turn, if one is due.

        With `ask=False` it only grades, for a page that streams the next turn afterwards.
        """
        async with self._open(interview_id) as held:
            record, write = await self._advanced(held.value, on_delta, ask)
            return record if write is None else await self.store.run(write)

    async def advance_then(self, interview_id: str, last: Callable[[Record], T],
                           first: Callable[[], object] | None = None) -> T:
        """`advance`, with the route's blocking work brought along on the lease's trips to
        the database threads: `first` (storing the answer) before the lease is taken, and
        the next turn's write and `last(record)` (the reply, from the record as written)
        in the trip that lets it go, before it goes. Returns what `last` returned."""
        async with self._open(interview_id, first) as held:
            record, write = await self._advanced(held.value)
            held.last = functools.partial(_then, write or (lambda: record), last)
        return held.result

    async def _advanced(self, record: Record, on_delta: DeltaSink | None = None,
                        ask: bool = True) -> tuple[Record, Callable[[], Record] | None]:
        """The record graded, and the blocking write of the next turn if one is due (it
        returns the record as written, so there is no need to read it back)."""
        model = self.models(record.model)
        record = await self._grade(record, model)
        if ask and not record.state.finished and engine.awaiting_answer(record.state) is None:
            return record, await self._next_turn(record, model, on_delta)
        return record, None

    async def _grade(self, record: Record, model: InterviewModel) -> Record:
        """Grade the newest ungraded answer; store the grade, and its cost on that answer.
        Returns the record with both."""
        if isinstance(model, Metered):  # the token cap counts what earlier runs spent too
            _share_spend(model, self.store)  # its figure came with the record (`_begin`)
            model.resume_spend(record.id, record.usage.total_tokens)
        try:
            grade = await engine.grade_latest(record.state, self.library, model, record.id)
        except ModelUnavailable:
            raise  # the interview waits for the model and resumes where it stopped
        except Exception as exc:  # a grader bug must never leave the interview stuck
            log.exception("grading failed for interview %s", record.id)
            grade = engine.not_graded(record.state, self.library, model.name, _why(exc))
        if grade is None:
            return record
        await self.store.run(self.store.save_grade, record.id, grade,
                             usage_seq=record.turns[-1].seq)
        record.state.grades[grade.question_id] = grade
        return replace(record, turns=[*record.turns[:-1],
                                      replace(record.turns[-1], usage=grade.usage)])

    async def _next_turn(self, record: Record, model: InterviewModel,
                         on_delta: DeltaSink | None) -> Callable[[], Record]:
        """The next interviewer turn, phrased: the blocking call that stores it."""
        state = record.state
        step = engine.next_step(state, self.library)
        if isinstance(step, Finish):
            return functools.partial(self._close, record)
        text = await self._phrase(state, step, model, record.id, on_delta)
        usage = model.turn_usage(record.id) if isinstance(model, Metered) else None
        turn = engine.interviewer_turn(step, text)
        return lambda: _appended(record, self.store.add_turn(record.id, len(state.turns), turn,
                                                             usage))

    async def _phrase(self, state: State, step: AskQuestion | AskFollowUp, model: InterviewModel,
                      interview_id: str, on_delta: DeltaSink | None) -> str:
        request = engine.turn_request(state, step, self.library, interview_id)
        chunks: list[str] = []
        async for chunk in model.phrase(request):
            chunks.append(chunk)
            if on_delta is not None:
                await on_delta(chunk)
        return "".join(chunks).strip() or request.seed_text

    async def finish(self, interview_id: str) -> Record:
        """End the interview now; an answer already stored is still graded."""
        async with self._open(interview_id) as held:
            record = await self._grade(held.value, self.models(held.value.model))
            return await self.store.run(self._close, record)

    def _close(self, record: Record) -> Record:
        """End the interview with the interviewer's close, the same words for every model.
        Blocking: coroutines run it through `store.run`."""
        close = engine.closing_turn(record.state)
        if close is not None:
            record = _appended(record, self.store.add_turn(record.id, len(record.state.turns),
                                                           close))
        self.store.finish(record.id)
        return replace(record, state=replace(record.state, finished=True))

    def scorecard(self, interview_id: str) -> Scorecard:
        """The scorecard; its usage is the whole interview's: every question asked and every
        grade, regrades after follow-ups included."""
        record = self.store.load(interview_id)
        card = engine.build_scorecard(interview_id, record.state, self.library)
        return card.model_copy(update={"usage": record.usage})

    def current(self, record: Record) -> Current | None:
        """The interviewer turn waiting for an answer, with its place in the interview."""
        seq = _open_turn_seq(record)
        if seq is None:
            return None
        stored = record.turns[seq]
        asked = [t for t in record.state.turns[: seq + 1] if t.kind == "question"]
        return Current(kind=stored.turn.kind, text=stored.turn.text,
                       question_id=stored.turn.question_id, turn=seq, number=len(asked),
                       total=len(record.state.plan.question_ids),
                       started_at=stored.seen_at or stored.created_at)


def _then(write: Callable[[], Record], last: Callable[[Record], T]) -> T:
    return last(write())


def _appended(record: Record, stored: StoredTurn) -> Record:
    """The record with a turn just stored added at its end, as a fresh load would show it."""
    state = replace(record.state, turns=[*record.state.turns, stored.turn])
    return replace(record, state=state, turns=[*record.turns, stored])


def _main(record: Record) -> list[StoredTurn]:
    return [t for t in record.turns if not t.turn.clarifying]


def _next_seq(record: Record) -> int:
    return record.turns[-1].seq + 1 if record.turns else 0


def _answer_after(record: Record, seq: int) -> Turn | None:
    """The candidate's answer to the interviewer turn at `seq`, if one is stored."""
    later = [t.turn for t in _main(record) if t.seq > seq]
    return later[0] if later and later[0].role == "candidate" else None


def _why(exc: Exception) -> str:
    if isinstance(exc, TimeoutError):
        return "grading took longer than its time budget"
    return f"the grader failed with {type(exc).__name__}"


def _repeats_answer(record: Record, text: str) -> bool:
    """True when `text` is already stored as the latest answer, or as an answer to the
    question now in play (its follow-ups included): a re-sent request, not a new answer."""
    main = _main(record)
    answers = [t.turn for t in main if t.turn.role == "candidate"]
    if not answers:
        return False
    if answers[-1].text == text:
        return True
    question_id = main[-1].turn.question_id
    return any(a.question_id == question_id and a.text == text for a in answers)


def _share_spend(model: InterviewModel, store: Store) -> None:
    """Point the model's token ledger at the database, so the cap holds across processes."""
    ledger = getattr(model, "ledger", None)
    if ledger is not None and getattr(ledger, "book", None) is not store.token_spend:
        ledger.book = store.token_spend


def _not_waiting(record: Record) -> str:
    if record.state.finished:
        return "this interview is finished; start a new one to keep practising"
    return "the next question is not ready yet; reload the interview in a moment"


def _open_turn_seq(record: Record) -> int | None:
    main = _main(record)
    if record.state.finished or not main:
        return None
    last = main[-1]
    return last.seq if last.turn.role == "interviewer" else None
