"""The LLM interviewer and grader, over OpenAI or any OpenAI-compatible server.

This is the only module that imports `openai`. Everything it can do without the network
(prompts, schemas, evidence checks, turn checks, budgets, retries, spend) lives in
`interviewer.llm`.

Failures, in short: 429, 5xx and dropped connections are retried with backoff (honouring
Retry-After) and then raise `ModelUnavailable`, which leaves the interview resumable. Every
request has one total deadline (INTERVIEWER_REQUEST_TIMEOUT), streaming included, and a
request that misses it is not retried: the server is still busy with it, and a retry would
only queue behind. A grade the model cannot give (a timeout, a reply that is not a chat
completion or still unusable after one repair, every output format refused, a prompt too
long for the server's context, the token cap) comes from the offline grader instead, with a
note saying why. An interviewer turn is checked before anyone sees it (`interviewer.llm.
guard`); a turn that fails, times out, breaks off or cannot be asked within the context or the
cap is asked in the library's own words, and the reason is stored with the turn.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import aiohttp
import httpx
import httpx2
import openai

from interviewer.library import Rubric
from interviewer.llm.budget import ContextTooSmall, fit_exchanges, prompt_budget
from interviewer.llm.completion import Malformed, parse_completion, reported_usage_of, short
from interviewer.llm.consistency import median_verdict
from interviewer.llm.context import (
    ServerContext,
    context_from_error,
    discover_context,
    is_context_error,
)
from interviewer.llm.errors import ContextExceeded, GradeFallback, Rejected, TimedOut
from interviewer.llm.grading import build_grade
from interviewer.llm.guard import check_turn, length_cap, sentence_pieces
from interviewer.llm.injection import new_tag
from interviewer.llm.ledger import Ledger, TokenCapReached
from interviewer.llm.prompts import grader_messages, interviewer_messages, repair_messages
from interviewer.llm.retry import Backoff, retry_after
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
from interviewer.models.catalog import load_catalog
from interviewer.models.offline import OfflineModel
from interviewer.scoring import AnswerGrade, Usage
from interviewer.settings import Settings
from interviewer.tokens import count_messages, count_tokens

MODES = ("json_schema", "json_object", "text")
OPENAI_URL = "https://api.openai.com/v1"
PHRASE_TOKENS = 400
REASONING_FACTOR = 4  # reasoning models spend completion tokens thinking before they answer
FORMAT_WORDS = ("response_format", "json_schema", "json_object")
MAX_REPLY_BYTES = 256_000  # of one grading reply: a grade is a few kB; more is not a grade
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


class LLMModel:
    """An `InterviewModel` backed by a chat-completions model; one HTTP client per instance."""

    # In an interview a grade from the offline grader, saying why, beats an interview stuck
    # until the server returns; a calibration run or `grade` asked for this model, and say so.
    fall_back_when_unavailable = True
    score_map: ScoreMap | None = None  # set by the registry from `calibrate --fit`

    def __init__(self, name: str, settings: Settings, backoff: Backoff | None = None,
                 sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep):
        self.name = name
        self.settings = settings
        self.backoff = backoff or Backoff()
        self.sleep = sleep
        self.base_url = (settings.openai_base_url or OPENAI_URL).rstrip("/")
        self.info = load_catalog().info(name)
        self.ledger = Ledger(settings.interview_token_cap)
        key = settings.openai_api_key.get_secret_value() if settings.has_api_key else None
        self._key = key or "not-needed"  # a local server needs no key, but the SDK insists
        self._clients: dict[asyncio.AbstractEventLoop, _LoopClient] = {}

    async def _client(self) -> openai.AsyncOpenAI:
        """The SDK client of the running event loop, made on first use there.

        It sends through the SDK's aiohttp transport (`openai[aiohttp]`): under load
        httpx2's pool scanned every idle connection for expiry on each request and its
        pure-Python HTTP/1.1 stack cost about a quarter of a turn's CPU; aiohttp's pool and
        parser are C. An aiohttp session belongs to one loop (tests and the CLI run one
        `asyncio.run` after another), so there is one client per loop, closed as its loop
        shuts down."""
        loop = asyncio.get_running_loop()
        held = self._clients.get(loop)
        if held is None:
            for gone in [old for old in self._clients if old.is_closed()]:
                del self._clients[gone]
            client = openai.AsyncOpenAI(
                api_key=self._key, base_url=self.base_url, max_retries=0,
                timeout=self.settings.request_timeout,
                http_client=openai.DefaultAioHttpClient(timeout=self.settings.request_timeout))
            held = self._clients[loop] = _LoopClient(client, _closed_with_loop(client))
            await held.closer.__anext__()
        return held.client

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
            self.ledger.check(request.interview_id, used + reply_tokens)
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

    async def _stream(self, messages: Messages, reply_tokens: int, cap: int) -> _Streamed:
        """The whole streamed reply, within one deadline; stops reading past `cap` chars."""
        streamed = _Streamed()

        async def attempt() -> _Streamed:
            stream = await self._create(messages, reply_tokens, stream=True,
                                        stream_options={"include_usage": True})
            try:
                await _read_stream(stream, streamed, cap)
            finally:
                await stream.close()
            return streamed

        try:
            return await self._call(attempt, grading=False)
        except ContextExceeded as exc:
            streamed.problem = f"could not be asked: {exc}"
            return streamed

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
        needed = count_messages(messages, self.name) + reply_tokens
        self.ledger.check(request.interview_id, needed)
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

    # --- the wire ---

    # Requests go through the client's plain `post`, with the body as JSON we built: the SDK
    # keeps its auth, headers and error classes, but skips `chat.completions.create`'s walk
    # of every message through its typed-dict "transform" and its pydantic model per stream
    # chunk: together about a quarter of the CPU in a cProfile of the server under load.

    def _body(self, messages: Messages, reply_tokens: int, **options: Any) -> dict[str, Any]:
        limit = "max_completion_tokens" if self.info.reasoning else "max_tokens"
        extra = options.pop("extra_body", None) or {}
        return {"model": self.name, "messages": messages, limit: reply_tokens, **options,
                **extra}

    async def _create(self, messages: Messages, reply_tokens: int, **options: Any) -> Any:
        """A streamed completion whose chunks are plain dicts (the SDK's SSE reading)."""
        body = self._body(messages, reply_tokens, **options)  # stream=True among them
        client = await self._client()
        return await client.post("/chat/completions", body=body, cast_to=object, stream=True,
                                 stream_cls=openai.AsyncStream[object])

    async def _post(self, messages: Messages, reply_tokens: int, **options: Any
                    ) -> tuple[str, Any]:
        """One non-streamed completion, read only up to MAX_REPLY_BYTES: (text, usage)."""
        client = await self._client()
        response = await client.post(
            "/chat/completions", body=self._body(messages, reply_tokens, **options),
            cast_to=httpx2.Response, stream=True)  # the raw response, its body not yet read
        try:
            kind = response.headers.get("content-type", "")
            body = bytearray()
            async for part in response.aiter_bytes():
                body += part
                if len(body) > MAX_REPLY_BYTES:
                    raise Malformed(f"the reply was larger than {MAX_REPLY_BYTES:,} bytes")
        finally:
            await response.aclose()
        return parse_completion(bytes(body), kind)

    async def _call(self, attempt: Callable[[], Awaitable[T]], grading: bool) -> T:
        """One request within its total deadline, retried with backoff on 429, 5xx and lost
        connections; raises Rejected, ContextExceeded, TimedOut or ModelUnavailable."""
        tries = 0
        while True:
            try:
                async with asyncio.timeout(self.settings.request_timeout):
                    return await attempt()
            except (TimeoutError, openai.APITimeoutError) as exc:
                if _dropped(exc):  # not a timeout: retried as any lost connection is
                    await self.sleep(self._wait_before_retry(exc, tries, grading))
                    tries += 1
                    continue
                raise TimedOut(f"did not answer within {self.settings.request_timeout:g} "
                               "seconds (INTERVIEWER_REQUEST_TIMEOUT)") from None
            except openai.APIError as exc:
                await self.sleep(self._wait_before_retry(exc, tries, grading))
                tries += 1

    def _wait_before_retry(self, exc: openai.APIError, attempt: int, grading: bool) -> float:
        """Seconds to wait before trying again, or the exception that ends the attempts."""
        self._learn_context(exc)
        if grading and _refuses_request(exc):
            raise Rejected(str(exc)) from exc
        if not _transient(exc):
            raise ModelUnavailable(_describe(exc, self)) from exc
        headers = exc.response.headers if isinstance(exc, openai.APIStatusError) else {}
        wait = self.backoff.wait(attempt, retry_after(headers))
        if wait is None or attempt >= self.settings.max_retries:
            raise ModelUnavailable(f"{_describe(exc, self)}; gave up after {attempt + 1} "
                                   f"attempt(s)") from exc
        return wait

    def _learn_context(self, exc: openai.APIError) -> None:
        """A context-length error: remember the size it names, and say so."""
        if not isinstance(exc, openai.APIStatusError) or not is_context_error(exc.response.text):
            return
        size = context_from_error(exc.response.text)
        if size:
            _server_context[self.base_url] = ServerContext(size, "its first context-length error")
        raise ContextExceeded(f"the server at {self.base_url} said the prompt is longer than "
                              f"its context ({short(exc.response.text)})") from exc

    # --- accounting ---

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
        """The server's context size, asked once per server; OpenAI itself does not say."""
        if self.base_url == OPENAI_URL:
            return None
        if self.base_url not in _server_context:
            try:
                async with asyncio.timeout(DISCOVERY_TIMEOUT):
                    found = await discover_context(self.base_url, self.name, DISCOVERY_TIMEOUT)
            except TimeoutError:
                found = None
            _server_context.setdefault(self.base_url, found)
        return _server_context[self.base_url]

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


async def _read_stream(stream: Any, into: _Streamed, cap: int) -> None:
    """Read a chat-completion stream into `into`, noting a cut, a token-limit stop or a
    turn too long to be a question; never raises for what the server sent."""
    size = 0
    try:
        async for chunk in stream:
            if not isinstance(chunk, dict) or not isinstance(chunk.get("choices"), list | None):
                raise ValueError("a chunk that is not a chat-completion chunk")
            choices, usage = chunk.get("choices"), chunk.get("usage")
            into.usage = usage if isinstance(usage, dict) and usage else into.usage
            for choice in choices or ():
                delta = choice.get("delta") if isinstance(choice, dict) else None
                content = delta.get("content") if isinstance(delta, dict) else None
                if isinstance(content, str) and content:
                    into.parts.append(content)
                    size += len(content)
                if isinstance(choice, dict):
                    into.finish = choice.get("finish_reason") or into.finish
            if size > cap:
                into.problem = f"ran past {cap:,} characters, too long for this question"
                return
    except (openai.APIError, httpx.HTTPError, httpx2.HTTPError, aiohttp.ClientError) as exc:
        into.problem = f"broke off half-way ({type(exc).__name__})"
        return
    except ValueError as exc:  # a data line that is not JSON
        into.problem = f"was not a readable stream ({type(exc).__name__})"
        return
    if into.finish == "length":
        into.problem = "stopped at its token limit mid-turn"
    elif into.finish is None and into.parts:
        into.problem = "ended without the server marking it complete (a cut stream)"




@dataclass
class _LoopClient:
    client: openai.AsyncOpenAI
    closer: AsyncGenerator[None, None]  # open while the loop runs; see _closed_with_loop


async def _closed_with_loop(client: openai.AsyncOpenAI) -> AsyncGenerator[None, None]:
    """Closes `client` when its event loop shuts down: `asyncio.run` and uvicorn close every
    async generator still open before they close the loop, so once this one has reached its
    `yield` the client's connections close with the loop, not with a warning after it."""
    try:
        yield
    finally:
        await client.close()


def _dropped(exc: BaseException) -> bool:
    """An SDK timeout that is really a lost connection: the aiohttp transport reports a
    server that closed the connection as a ConnectTimeout."""
    cause = exc.__cause__
    while cause is not None and not isinstance(cause, aiohttp.ClientError):
        cause = cause.__cause__
    return cause is not None and not isinstance(cause, TimeoutError)


@dataclass
class _Spent:
    """Usage added up over the requests of one grade, kept even when the grade falls back."""

    usage: Usage = field(default_factory=Usage)


def _refuses_request(exc: openai.APIError) -> bool:
    """A request the server will never accept as sent: usually a response_format it lacks
    (llama.cpp answers that with a 500 naming response_format)."""
    if not isinstance(exc, openai.APIStatusError):
        return False
    if exc.status_code in (400, 422):
        return True
    text = exc.response.text.lower()
    return exc.status_code >= 500 and any(word in text for word in FORMAT_WORDS)


def _transient(exc: openai.APIError) -> bool:
    if isinstance(exc, openai.APIConnectionError):  # timeouts included
        return True
    return isinstance(exc, openai.APIStatusError) and (
        exc.status_code in (408, 409, 429) or exc.status_code >= 500)


def _describe(exc: openai.APIError, model: LLMModel) -> str:
    """What went wrong, in words a candidate or operator can act on."""
    where = model.base_url
    if isinstance(exc, openai.APITimeoutError) and not _dropped(exc):
        return f"{where} did not answer within {model.settings.request_timeout:g} seconds"
    if isinstance(exc, openai.APIConnectionError):
        return f"{where} could not be reached or dropped the connection"
    if not isinstance(exc, openai.APIStatusError):
        return f"{where} failed: {exc}"
    status = exc.status_code
    if status in (401, 403):
        return f"{where} refused the API key ({status}); check OPENAI_API_KEY"
    if status == 404:
        return f"{where} has no model {model.name!r} (404); check INTERVIEWER_MODEL or --model"
    if status == 429:
        return f"{where} is rate-limiting requests (429)"
    return f"{where} answered {status}: {exc.response.text[:200]}"


def remote_transcriber(settings: Settings) -> Callable[[bytes, str, str], Awaitable[Any]]:
    """Transcription through an OpenAI-compatible `POST /audio/transcriptions`, with word
    timings where the server gives them (verbose_json); a server that lacks the route or the
    format raises, and the caller falls back to the local model."""
    from interviewer.speech.delivery import Word
    from interviewer.speech.transcribe import Transcript

    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    client = openai.AsyncOpenAI(api_key=key or "not-needed", base_url=settings.openai_base_url,
                                timeout=settings.request_timeout, max_retries=1)
    where = settings.openai_base_url or "OpenAI"

    async def transcribe(data: bytes, filename: str, prompt: str) -> Transcript:
        reply = await client.audio.transcriptions.create(
            model=settings.transcription_model, file=(filename, data), language="en",
            prompt=prompt, response_format="verbose_json", timestamp_granularities=["word"])
        words = [Word(text=w.word.strip(), start=max(0.0, w.start), end=max(w.end, w.start, 0.0))
                 for w in (getattr(reply, "words", None) or []) if w.word.strip()]
        seconds = float(getattr(reply, "duration", 0.0) or (words[-1].end if words else 0.0))
        return Transcript(text=" ".join(reply.text.split()), words=words, seconds=seconds,
                          engine=f"{settings.transcription_model} via {where}")

    return transcribe
