"""What the LLM interviewer and grader do with a chat model, apart from the SDK.

`LLMModel` (interviewer/models/llm.py, the only module that imports `openai`) sends the
requests; this half decides what to send and what a reply is worth: the interviewer's turn
(checked, or the library's words instead), the grade (each structured-output format the
server may accept, one repair per reply, the median of several samples, the offline grader
when the model cannot give one), prompts fitted to the context, and the tokens spent.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from interviewer.library import Rubric
from interviewer.llm.budget import ContextTooSmall, fit_exchanges, prompt_budget
from interviewer.llm.completion import Malformed, reported_usage_of
from interviewer.llm.consistency import median_verdict
from interviewer.llm.context import ServerContext, discover_context
from interviewer.llm.errors import ContextExceeded, GradeFallback, Rejected, TimedOut
from interviewer.llm.grading import build_grade
from interviewer.llm.guard import check_turn, length_cap, sentence_pieces
from interviewer.llm.injection import new_tag
from interviewer.llm.ledger import Ledger, TokenCapReached
from interviewer.llm.prompts import grader_messages, interviewer_messages, repair_messages
from interviewer.llm.schema import (
    BadVerdict,
    GradeVerdict,
    grade_reply_tokens,
    grade_schema,
    parse_verdict,
    response_format,
)
from interviewer.llm.score_map import ScoreMap, calibrated
from interviewer.models.base import Exchange, GradeRequest, ModelUnavailable, TurnRequest
from interviewer.models.catalog import ModelInfo
from interviewer.models.offline import OfflineModel
from interviewer.scoring import AnswerGrade, Usage
from interviewer.settings import Settings
from interviewer.tokens import count_messages, count_tokens, most_tokens

MODES = ("json_schema", "json_object", "text")
OPENAI_URL = "https://api.openai.com/v1"
PHRASE_TOKENS = 400
REASONING_FACTOR = 4  # reasoning models spend completion tokens thinking before they answer
DISCOVERY_TIMEOUT = 5.0

# What each server told us, by base URL, for the whole process: the first structured-output
# mode it accepted, and its context size (None: it does not say).
_accepted_mode: dict[str, str] = {}
_server_context: dict[str, ServerContext | None] = {}

Messages = list[dict[str, str]]
T = TypeVar("T")


def forget_servers() -> None:
    """Forget what servers told us (for tests that reuse a port)."""
    _accepted_mode.clear()
    _server_context.clear()


class ChatFlow:
    """Asking and grading over a chat model; the subclass supplies the wire."""

    # In an interview a grade from the offline grader, saying why, beats an interview stuck
    # until the server returns; a calibration run or `grade` asked for this model, and say so.
    fall_back_when_unavailable = True
    score_map: ScoreMap | None = None  # set by the registry from `calibrate --fit`
    name: str
    settings: Settings
    base_url: str
    info: ModelInfo
    ledger: Ledger
    _discovery: dict[asyncio.AbstractEventLoop, asyncio.Task[ServerContext | None]]

    # --- the wire, from the subclass ---

    async def _stream(self, messages: Messages, reply_tokens: int, cap: int) -> _Streamed:
        raise NotImplementedError

    async def _post(self, messages: Messages, reply_tokens: int, **options: Any
                    ) -> tuple[str, Any]:
        raise NotImplementedError

    async def _call(self, attempt: Callable[[], Awaitable[T]], grading: bool) -> T:
        raise NotImplementedError

    # --- spend, for the service (interviewer.llm.ledger.Metered) ---

    def resume_spend(self, interview_id: str, tokens: int) -> None:
        """Tell the model what storage says this interview has already spent."""
        self.ledger.resume(interview_id, tokens)

    def turn_usage(self, interview_id: str) -> Usage | None:
        """The usage of the interviewer turn just produced for this interview."""
        return self.ledger.take_turn(interview_id)

    # --- asking ---

    async def phrase(self, request: TurnRequest) -> AsyncIterator[str]:
        """The interviewer's turn, checked whole before any of it is shown, then yielded
        sentence by sentence; the library's wording when the model's turn will not do."""
        text, usage = await self._turn(request)
        self.ledger.record_turn(request.interview_id, usage)
        for piece in sentence_pieces(text):
            yield piece

    async def _turn(self, request: TurnRequest) -> tuple[str, Usage]:
        library = "".join([c async for c in OfflineModel().phrase(request)])
        reply_tokens = self._reply_tokens(PHRASE_TOKENS)
        try:
            messages, used = await self._fit(
                lambda kept, omitted: interviewer_messages(request, kept, omitted, new_tag()),
                request.exchanges, reply_tokens)
            self._check_cap(request.interview_id, messages, used, reply_tokens)
            streamed = await self._stream(messages, reply_tokens, length_cap(request.seed_text))
        except TokenCapReached as exc:
            return library, Usage(note=f"the interview reached its token cap ({exc})")
        except ContextTooSmall as exc:
            return library, Usage(note=f"the prompt did not fit the model's context ({exc})")
        except TimedOut as exc:
            return library, Usage(note=f"the model {exc}")
        text = "".join(streamed.parts).strip()
        usage = self._stream_usage(streamed, messages, text)
        self.ledger.charge(request.interview_id, usage)
        why = streamed.problem or check_turn(text, request.seed_text,
                                             [e.answer for e in request.exchanges])
        if why:
            return library, usage.model_copy(update={"note": f"the model's turn {why}"})
        return text, usage

    def _stream_usage(self, streamed: _Streamed, messages: Messages, text: str) -> Usage:
        """What the stream cost; nothing when the server sent neither text nor usage (it
        rejected the prompt without saying so, as llama-cpp-python does past its context)."""
        if streamed.usage is None and not text:
            return Usage()
        return self._usage(streamed.usage, messages, text)

    # --- grading ---

    async def grade(self, request: GradeRequest) -> AnswerGrade:
        """Grade with the model, keep only verified evidence; fall back to the offline grader."""
        spent = _Spent()
        try:
            verdict = await self._sampled_verdict(request, spent)
        except GradeFallback as exc:
            return await self._offline_grade(request, exc.reason, spent.usage)
        except ModelUnavailable as exc:
            if not self.fall_back_when_unavailable:
                raise
            return await self._offline_grade(request, f"was unavailable ({exc})", spent.usage)
        grade = build_grade(verdict, request, f"openai:{self.name}")
        if self.score_map is not None:
            grade = calibrated(grade, self.score_map)
        return grade.model_copy(update={"usage": spent.usage})

    async def _sampled_verdict(self, request: GradeRequest, spent: _Spent) -> GradeVerdict:
        """One verdict, or with INTERVIEWER_GRADE_SAMPLES > 1 the median of several; a
        sample that fails is left out, and only when all fail does grading fall back."""
        samples = self.settings.grade_samples
        if samples == 1:
            return await self._verdict(request, spent)
        verdicts, failure = [], None
        for _ in range(samples):
            try:
                verdicts.append(await self._verdict(request, spent))
            except GradeFallback as exc:
                failure = exc
        if not verdicts:
            assert failure is not None
            raise failure
        return median_verdict(verdicts)

    async def _offline_grade(self, request: GradeRequest, reason: str, usage: Usage
                             ) -> AnswerGrade:
        grade = await OfflineModel().grade(request)
        note = f"Graded by the offline grader because the model {reason}."
        return grade.model_copy(update={"notes": [note, *grade.notes], "usage": usage})

    async def _verdict(self, request: GradeRequest, spent: _Spent) -> GradeVerdict:
        """Try each output format the server may accept, in order; one repair per reply."""
        try:
            for mode in self._modes():
                try:
                    return await self._verdict_in(mode, request, spent)
                except Rejected:
                    continue
        except TokenCapReached as exc:
            raise GradeFallback(f"reached this interview's token cap ({exc})", spent.usage) \
                from None
        except ContextTooSmall as exc:
            raise GradeFallback(f"could not fit the answer in its context ({exc})",
                                spent.usage) from None
        except BadVerdict as exc:
            raise GradeFallback(f"twice replied in a form the grader cannot use ({exc})",
                                spent.usage) from None
        except ContextExceeded as exc:
            raise GradeFallback(f"could not fit the answer in its context: {exc}",
                                spent.usage) from None
        except TimedOut as exc:
            raise GradeFallback(str(exc), spent.usage) from None
        raise GradeFallback(f"at {self.base_url} refused every output format (json_schema, "
                            "json_object and plain text)", spent.usage)

    async def _verdict_in(self, mode: str, request: GradeRequest, spent: _Spent
                          ) -> GradeVerdict:
        try:
            return await self._verdict_once(mode, request, spent)
        except ContextExceeded:
            if _server_context.get(self.base_url) is None:
                raise
            # now that the server's size is known, fit the prompt to it (or give up here)
            return await self._verdict_once(mode, request, spent)

    async def _verdict_once(self, mode: str, request: GradeRequest, spent: _Spent
                            ) -> GradeVerdict:
        schema = None if mode == "json_schema" else json.dumps(grade_schema(request.rubric))
        tag, reply_tokens = new_tag(), self._grade_tokens(request.rubric)
        messages, _ = await self._fit(
            lambda kept, omitted: grader_messages(request, kept, omitted, tag, schema),
            request.exchanges, reply_tokens)
        try:
            reply = await self._complete(messages, mode, request, spent)
        except Malformed:  # the body was broken on the way; ask the same question once more
            reply = await self._complete(messages, mode, request, spent)
        _accepted_mode[self.base_url] = mode
        try:
            return parse_verdict(reply, request.rubric)
        except BadVerdict as exc:
            fix = messages + repair_messages(reply, str(exc), request, schema)
            return parse_verdict(await self._complete(fix, mode, request, spent),
                                 request.rubric)

    async def _complete(self, messages: Messages, mode: str, request: GradeRequest,
                        spent: _Spent) -> str:
        reply_tokens = self._grade_tokens(request.rubric)
        self._check_cap(request.interview_id, messages, most_tokens(messages, self.name),
                        reply_tokens)
        # passed as extra_body: the SDK would otherwise walk the whole JSON schema on every
        # request to "transform" it, which was the largest CPU cost of a grading call
        options: dict[str, Any] = {"extra_body": response_format(mode, request.rubric)}
        if not self.info.reasoning:
            options["temperature"] = 0
        try:
            text, reported = await self._call(
                lambda: self._post(messages, reply_tokens, **options), grading=True)
        except (Malformed, TimedOut):  # the server read the prompt: count it as spent
            self._spend(request, spent, self._usage(None, messages, ""))
            raise
        self._spend(request, spent, self._usage(reported, messages, text))
        return text

    def _spend(self, request: GradeRequest, spent: _Spent, usage: Usage) -> None:
        self.ledger.charge(request.interview_id, usage)
        spent.usage = spent.usage + usage

    def _modes(self) -> tuple[str, ...]:
        """The output formats to try, from the one this server last accepted."""
        return MODES[MODES.index(_accepted_mode.get(self.base_url, MODES[0])):]

    # --- accounting ---

    def _check_cap(self, interview_id: str, messages: Messages, size: int,
                   reply_tokens: int) -> None:
        """The token cap for `messages`, whose `size` is their count or an upper bound on it
        (`most_tokens`); held to the exact count when the bound would pass the cap, so the
        cheap bound never refuses a request the cap allows."""
        try:
            self.ledger.check(interview_id, size + reply_tokens)
        except TokenCapReached:
            self.ledger.check(interview_id, count_messages(messages, self.name) + reply_tokens)

    def _reply_tokens(self, tokens: int) -> int:
        return tokens * REASONING_FACTOR if self.info.reasoning else tokens

    def _grade_tokens(self, rubric: Rubric) -> int:
        return self._reply_tokens(grade_reply_tokens(rubric))

    async def _fit(self, build: Callable[[list[Exchange], int], Messages],
                   exchanges: list[Exchange], reply_tokens: int) -> tuple[Messages, int]:
        """The messages within the smaller of INTERVIEWER_CONTEXT_TOKENS and the server's own
        context, dropping old exchanges first; ContextTooSmall says which limit bit."""
        server = await self._server_context()
        context = min(self.settings.context_tokens, server.tokens if server else 10**9)
        limit = prompt_budget(context, reply_tokens)
        try:
            return fit_exchanges(build, exchanges, limit, self.name)
        except ContextTooSmall as exc:
            if server is None or server.tokens >= self.settings.context_tokens:
                raise
            raise ContextTooSmall(f"{exc}; the server holds {server.tokens:,} tokens, as "
                                  f"{server.source} says") from None

    async def _server_context(self) -> ServerContext | None:
        """The server's context size, asked once per server; OpenAI itself does not say.
        Requests that arrive while it is being asked wait for that answer: a server that
        had just started took one discovery per concurrent interview (200 under the load
        benchmark), each with its own HTTP client."""
        if self.base_url == OPENAI_URL:
            return None
        if self.base_url not in _server_context:
            loop = asyncio.get_running_loop()
            asking = self._discovery.get(loop)
            if asking is None:
                asking = self._discovery[loop] = loop.create_task(self._discover())
            try:  # shielded: a request cancelled at its deadline leaves the others the answer
                found = await asyncio.shield(asking)
            finally:
                if asking.done():
                    self._discovery.pop(loop, None)
            _server_context.setdefault(self.base_url, found)
        return _server_context[self.base_url]

    async def _discover(self) -> ServerContext | None:
        try:
            async with asyncio.timeout(DISCOVERY_TIMEOUT):
                return await discover_context(self.base_url, self.name, DISCOVERY_TIMEOUT)
        except TimeoutError:
            return None

    def _usage(self, reported: Any, messages: Messages, text: str) -> Usage:
        """The provider's usage when it reports one, else our own count; priced."""
        reported_usage = reported_usage_of(reported)
        if reported_usage is not None:
            usage = reported_usage
        else:
            usage = Usage(prompt_tokens=count_messages(messages, self.name),
                          completion_tokens=count_tokens(text, self.name))
        return usage.model_copy(update={"cost_usd": self.info.cost(usage)})


@dataclass
class _Streamed:
    """What a stream delivered: its text, the usage in its last chunk, if any, and what
    went wrong with it (completing "the model's turn ...")."""

    parts: list[str] = field(default_factory=list)
    usage: Any = None
    finish: str | None = None
    problem: str | None = None


@dataclass
class _Spent:
    """Usage added up over the requests of one grade, kept even when the grade falls back."""

    usage: Usage = field(default_factory=Usage)
