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
import functools
import json
from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import httpx
import httpx2
import openai

from interviewer.llm.completion import parse_completion, short
from interviewer.llm.context import ServerContext, context_from_error, is_context_error
from interviewer.llm.errors import ContextExceeded, Rejected, TimedOut
from interviewer.llm.ledger import Ledger
from interviewer.llm.retry import Backoff, retry_after
from interviewer.llm.sse import Reply, StreamFailed, read_body
from interviewer.models.base import ModelUnavailable
from interviewer.models.catalog import load_catalog
from interviewer.models.llm_flow import (
    OPENAI_URL,
    ChatFlow,
    Messages,
    T,
    _server_context,
    _Streamed,
)
from interviewer.models.llm_flow import forget_servers as forget_servers
from interviewer.settings import Settings
from interviewer.timing import waiting_on_model

FORMAT_WORDS = ("response_format", "json_schema", "json_object")
MAX_REPLY_BYTES = 256_000  # of one grading reply: a grade is a few kB; more is not a grade


class LLMModel(ChatFlow):
    """An `InterviewModel` backed by a chat-completions model: what to ask and what a reply
    is worth is `ChatFlow`'s (interviewer/models/llm_flow.py); sending it is this class's."""

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
        # the SDK client sends nothing: it gives the headers (auth, organization, project)
        # and turns a failed response into its exception classes (see "the wire" below)
        self._sdk = openai.AsyncOpenAI(api_key=self._key, base_url=self.base_url,
                                       max_retries=0, timeout=settings.request_timeout)
        self._headers = {k: v for k, v in {**self._sdk.default_headers,
                                          **self._sdk.auth_headers}.items()
                         if isinstance(v, str)}
        self._url = self.base_url + "/chat/completions"
        self._clients: dict[asyncio.AbstractEventLoop, _LoopClient] = {}
        self._discovery = {}  # the context-size question in flight, by event loop

    async def _session(self) -> aiohttp.ClientSession:
        """The aiohttp session of the running event loop, made on first use there.

        aiohttp's pool and HTTP parser are C; httpx2's pure-Python HTTP/1.1 stack cost about
        a quarter of a turn's CPU. A session belongs to one loop (tests and the CLI run one
        `asyncio.run` after another), so there is one per loop, closed as its loop shuts
        down. The whole request has one deadline (`_call`), the wait for one of the
        INTERVIEWER_MODEL_CONNECTIONS connections included; only connecting has its own."""
        loop = asyncio.get_running_loop()
        held = self._clients.get(loop)
        if held is None:
            for gone in [old for old in self._clients if old.is_closed()]:
                del self._clients[gone]
            session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self.settings.model_connections),
                timeout=aiohttp.ClientTimeout(total=None,
                                              sock_connect=self.settings.request_timeout))
            held = self._clients[loop] = _LoopClient(session, _closed_with_loop(session))
            await held.closer.__anext__()
        return held.session

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

    # --- the wire ---

    # A request is the JSON bytes we built (`request_json`), posted on the loop's aiohttp
    # session with the SDK client's headers; a reply is read straight off the connection
    # (`interviewer.llm.sse` for a stream). The SDK's own path cost, on top of that, its
    # request building (options, headers, URL, the body's JSON) and httpx2's request and
    # response objects over the same aiohttp: about 0.6 ms of CPU a request, 1.5-2.5 ms a
    # turn in `bench/model_turn.py` (README, scaling). What the SDK decided is kept: a 4xx
    # or 5xx becomes the SDK's own exception, built by the SDK from the response
    # (`_failed`), and a connection that fails is its APIConnectionError (its
    # APITimeoutError when connecting timed out), so retries and messages are unchanged.

    def _body(self, messages: Messages, reply_tokens: int, **options: Any) -> bytes:
        limit = "max_completion_tokens" if self.info.reasoning else "max_tokens"
        extra = options.pop("extra_body", None) or {}
        return request_json(self.name, messages, {limit: reply_tokens, **options, **extra})

    async def _send(self, body: bytes) -> aiohttp.ClientResponse:
        """POST the body: the response, its status a success, its body not yet read."""
        session = await self._session()
        try:
            response = await session.post(self._url, data=body, headers=self._headers)
        except aiohttp.ClientError as exc:
            raise _lost(exc, self._url) from exc
        if response.status < 400:
            return response
        try:
            text = await read_body(response, MAX_REPLY_BYTES, cut=True)
        except aiohttp.ClientError as exc:
            raise _lost(exc, self._url) from exc
        finally:
            response.release()
        raise self._failed(response, text)

    def _failed(self, response: aiohttp.ClientResponse, text: bytes) -> openai.APIStatusError:
        """The SDK's exception for this status and body, as its own client would raise."""
        failed = httpx2.Response(response.status, headers=list(response.headers.items()),
                                 content=text, request=httpx2.Request("POST", self._url))
        return self._sdk._make_status_error_from_response(failed)

    async def _create(self, messages: Messages, reply_tokens: int, **options: Any) -> Reply:
        """A streamed completion whose chunks are plain dicts."""
        body = self._body(messages, reply_tokens, **options)  # stream=True among them
        return Reply(await self._send(body))

    async def _post(self, messages: Messages, reply_tokens: int, **options: Any
                    ) -> tuple[str, Any]:
        """One non-streamed completion, read only up to MAX_REPLY_BYTES: (text, usage)."""
        response = await self._send(self._body(messages, reply_tokens, **options))
        try:
            kind = response.headers.get("content-type", "")
            body = await read_body(response, MAX_REPLY_BYTES)
        except aiohttp.ClientError as exc:
            raise _lost(exc, self._url) from exc
        finally:
            response.release()
        return parse_completion(body, kind)

    async def _call(self, attempt: Callable[[], Awaitable[T]], grading: bool) -> T:
        """One request within its total deadline, retried with backoff on 429, 5xx and lost
        connections; raises Rejected, ContextExceeded, TimedOut or ModelUnavailable."""
        tries = 0
        while True:
            try:
                with waiting_on_model():
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
    except (openai.APIError, httpx.HTTPError, httpx2.HTTPError, aiohttp.ClientError,
            StreamFailed) as exc:
        into.problem = f"broke off half-way ({type(exc).__name__})"
        return
    except aiohttp.http_exceptions.LineTooLong:  # one event of more than 512 kB
        into.problem = f"ran past {cap:,} characters, too long for this question"
        return
    except ValueError as exc:  # a data line that is not JSON
        into.problem = f"was not a readable stream ({type(exc).__name__})"
        return
    if into.finish == "length":
        into.problem = "stopped at its token limit mid-turn"
    elif into.finish is None and into.parts:
        into.problem = "ended without the server marking it complete (a cut stream)"




def request_json(model: str, messages: Messages, options: dict[str, Any]) -> bytes:
    """The request body as the SDK would write it (UTF-8, compact), with each system
    message's JSON made once (`_system_json`). The grader's system message is ~19,000
    characters, the same for every answer to a question; escaping it again on every
    request was ~0.1-0.4 ms of each grade's CPU, most of the body's encoding."""
    if "model" in options or "messages" in options:  # an extra_body that overrides them
        return _dumps({"model": model, "messages": messages, **options}).encode()
    parts = [_system_json(m["content"]) if m.get("role") == "system" and tuple(m) == _PLAIN
             else _dumps(m) for m in messages]
    rest = "," + _dumps(options)[1:] if options else "}"
    return f'{{"model":{_dumps(model)},"messages":[{",".join(parts)}]{rest}'.encode()


_PLAIN = ("role", "content")  # a message with just these, in this order, as prompts.py makes


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


@functools.lru_cache(maxsize=1024)  # the library's system messages, a few per question
def _system_json(content: str) -> str:
    return _dumps({"role": "system", "content": content})


def _lost(exc: aiohttp.ClientError, url: str) -> openai.APIConnectionError:
    """The SDK's exception for a connection that failed or timed out while connecting."""
    request = httpx2.Request("POST", url)
    if isinstance(exc, TimeoutError):
        return openai.APITimeoutError(request=request)
    return openai.APIConnectionError(request=request)


@dataclass
class _LoopClient:
    session: aiohttp.ClientSession
    closer: AsyncGenerator[None, None]  # open while the loop runs; see _closed_with_loop


async def _closed_with_loop(session: aiohttp.ClientSession) -> AsyncGenerator[None, None]:
    """Closes `session` when its event loop shuts down: `asyncio.run` and uvicorn close
    every async generator still open before they close the loop, so once this one has
    reached its `yield` the connections close with the loop, not with a warning after it."""
    try:
        yield
    finally:
        await session.close()


def _dropped(exc: BaseException) -> bool:
    """An SDK timeout that is really a lost connection: the aiohttp transport reports a
    server that closed the connection as a ConnectTimeout."""
    cause = exc.__cause__
    while cause is not None and not isinstance(cause, aiohttp.ClientError):
        cause = cause.__cause__
    return cause is not None and not isinstance(cause, TimeoutError)


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
