"""The LLM interviewer and grader, over OpenAI or any OpenAI-compatible server.

This is the only module that imports `openai`. Everything it can do without the network
(prompts, schemas, evidence checks, budgets, retries, spend) lives in `interviewer.llm`.

Failures, in short: 429, 5xx, timeouts and dropped connections are retried with backoff
(honouring Retry-After) and then raise `ModelUnavailable`, which leaves the interview
resumable. A server that refuses every structured-output format, a reply that is still
unusable after one repair, an answer too long for the context, or an interview past its
token cap is graded by the offline grader instead, with a note on the scorecard saying why.
Past the cap (or when even the question's prompt cannot fit the context), questions are
asked in the library's own words and cost nothing.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import openai

from interviewer.library import Rubric
from interviewer.llm.budget import ContextTooSmall, fit_exchanges, prompt_budget
from interviewer.llm.grading import build_grade
from interviewer.llm.injection import new_tag
from interviewer.llm.ledger import Ledger, TokenCapReached
from interviewer.llm.prompts import grader_messages, interviewer_messages, repair_messages
from interviewer.llm.retry import Backoff, retry_after
from interviewer.llm.schema import BadVerdict, GradeVerdict, grade_schema, parse_verdict
from interviewer.models.base import Exchange, GradeRequest, ModelUnavailable, TurnRequest
from interviewer.models.catalog import load_catalog
from interviewer.models.offline import OfflineModel
from interviewer.scoring import AnswerGrade, Usage
from interviewer.settings import Settings
from interviewer.tokens import count_messages, count_tokens

MODES = ("json_schema", "json_object", "text")
OPENAI_URL = "https://api.openai.com/v1"
PHRASE_TOKENS = 400
GRADE_TOKENS = 2500
REASONING_FACTOR = 4  # reasoning models spend completion tokens thinking before they answer
FORMAT_WORDS = ("response_format", "json_schema", "json_object")

# The first structured-output mode each server accepted, by base URL, for the whole process.
_accepted_mode: dict[str, str] = {}

Messages = list[dict[str, str]]


class Rejected(Exception):
    """The server refused the request itself (400/422, or an unsupported response_format)."""


class GradeFallback(Exception):
    """The model cannot produce a usable grade; the reason completes "because the model …"."""

    def __init__(self, reason: str, usage: Usage):
        super().__init__(reason)
        self.reason = reason
        self.usage = usage


class LLMModel:
    """An `InterviewModel` backed by a chat-completions model; one HTTP client per instance."""

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
        # a local server needs no key, but the SDK insists on one
        self._client = openai.AsyncOpenAI(api_key=key or "not-needed", base_url=self.base_url,
                                          timeout=settings.request_timeout, max_retries=0)

    # --- spend, for the service (interviewer.llm.ledger.Metered) ---

    def resume_spend(self, interview_id: str, tokens: int) -> None:
        """Tell the model what storage says this interview has already spent."""
        self.ledger.resume(interview_id, tokens)

    def turn_usage(self, interview_id: str) -> Usage | None:
        """The usage of the interviewer turn just produced for this interview."""
        return self.ledger.take_turn(interview_id)

    # --- asking ---

    async def phrase(self, request: TurnRequest) -> AsyncIterator[str]:
        """Stream the interviewer's turn: the library question or follow-up, reworded."""
        tag, reply_tokens = new_tag(), self._reply_tokens(PHRASE_TOKENS)
        try:
            messages, used = self._fit(
                lambda kept, omitted: interviewer_messages(request, kept, omitted, tag),
                request.exchanges, reply_tokens)
            self.ledger.check(request.interview_id, used + reply_tokens)
        except (TokenCapReached, ContextTooSmall):
            self.ledger.record_turn(request.interview_id, Usage())
            async for chunk in OfflineModel().phrase(request):  # the library's words, for free
                yield chunk
            return
        streamed = _Streamed()
        async for chunk in self._stream(messages, reply_tokens, streamed):
            yield chunk
        usage = self._usage(streamed.usage, messages, "".join(streamed.parts))
        self.ledger.charge(request.interview_id, usage)
        self.ledger.record_turn(request.interview_id, usage)

    async def _stream(self, messages: Messages, reply_tokens: int, into: _Streamed
                      ) -> AsyncIterator[str]:
        stream = await self._call(messages, reply_tokens, grading=False, stream=True,
                                  stream_options={"include_usage": True})
        try:
            async for chunk in stream:
                into.usage = chunk.usage or into.usage
                for choice in chunk.choices:
                    if choice.delta is not None and choice.delta.content:
                        into.parts.append(choice.delta.content)
                        yield choice.delta.content
        except openai.APIError as exc:
            raise ModelUnavailable(f"the reply from {self.base_url} stopped half-way "
                                   f"({_describe(exc, self)}); reload to ask again") from exc

    # --- grading ---

    async def grade(self, request: GradeRequest) -> AnswerGrade:
        """Grade with the model, keep only verified evidence; fall back to the offline grader."""
        spent = _Spent()
        try:
            verdict = await self._verdict(request, spent)
        except GradeFallback as exc:
            return await self._offline_grade(request, exc.reason, spent.usage)
        grade = build_grade(verdict, request, f"openai:{self.name}")
        return grade.model_copy(update={"usage": spent.usage})

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
        raise GradeFallback(f"at {self.base_url} refused every output format (json_schema, "
                            "json_object and plain text)", spent.usage)

    async def _verdict_in(self, mode: str, request: GradeRequest, spent: _Spent
                          ) -> GradeVerdict:
        schema = None if mode == "json_schema" else json.dumps(grade_schema(request.rubric))
        tag, reply_tokens = new_tag(), self._reply_tokens(GRADE_TOKENS)
        messages, _ = self._fit(
            lambda kept, omitted: grader_messages(request, kept, omitted, tag, schema),
            request.exchanges, reply_tokens)
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
        reply_tokens = self._reply_tokens(GRADE_TOKENS)
        needed = count_messages(messages, self.name) + reply_tokens
        self.ledger.check(request.interview_id, needed)
        # passed as extra_body: the SDK would otherwise walk the whole JSON schema on every
        # request to "transform" it, which was the largest CPU cost of a grading call
        options: dict[str, Any] = {"extra_body": _response_format(mode, request.rubric)}
        if not self.info.reasoning:
            options["temperature"] = 0
        response = await self._call(messages, reply_tokens, grading=True, **options)
        text = (response.choices[0].message.content or "") if response.choices else ""
        usage = self._usage(response.usage, messages, text)
        self.ledger.charge(request.interview_id, usage)
        spent.usage = spent.usage + usage
        return text

    def _modes(self) -> tuple[str, ...]:
        """The output formats to try, from the one this server last accepted."""
        return MODES[MODES.index(_accepted_mode.get(self.base_url, MODES[0])):]

    # --- the wire ---

    async def _call(self, messages: Messages, reply_tokens: int, grading: bool,
                    **options: Any) -> Any:
        """One chat completion, retried with backoff on 429, 5xx, timeouts and lost
        connections; raises Rejected or ModelUnavailable."""
        limit = "max_completion_tokens" if self.info.reasoning else "max_tokens"
        attempt = 0
        while True:
            try:
                return await self._client.chat.completions.create(
                    model=self.name, messages=messages, **{limit: reply_tokens}, **options)
            except openai.APIError as exc:
                await self.sleep(self._wait_before_retry(exc, attempt, grading))
                attempt += 1

    def _wait_before_retry(self, exc: openai.APIError, attempt: int, grading: bool) -> float:
        """Seconds to wait before trying again, or the exception that ends the attempts."""
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

    # --- accounting ---

    def _reply_tokens(self, tokens: int) -> int:
        return tokens * REASONING_FACTOR if self.info.reasoning else tokens

    def _fit(self, build: Callable[[list[Exchange], int], Messages], exchanges: list[Exchange],
             reply_tokens: int) -> tuple[Messages, int]:
        limit = prompt_budget(self.settings.context_tokens, reply_tokens)
        return fit_exchanges(build, exchanges, limit, self.name)

    def _usage(self, reported: Any, messages: Messages, text: str) -> Usage:
        """The provider's usage when it reports one, else our own count; priced."""
        if reported is not None:
            details = getattr(reported, "prompt_tokens_details", None)
            usage = Usage(prompt_tokens=reported.prompt_tokens or 0,
                          completion_tokens=reported.completion_tokens or 0,
                          cached_tokens=(details.cached_tokens or 0) if details else 0)
        else:
            usage = Usage(prompt_tokens=count_messages(messages, self.name),
                          completion_tokens=count_tokens(text, self.name))
        return usage.model_copy(update={"cost_usd": self.info.cost(usage)})


@dataclass
class _Streamed:
    """What a stream delivered: its text and the usage in its last chunk, if any."""

    parts: list[str] = field(default_factory=list)
    usage: Any = None


@dataclass
class _Spent:
    """Usage added up over the requests of one grade, kept even when the grade falls back."""

    usage: Usage = field(default_factory=Usage)


def _response_format(mode: str, rubric: Rubric) -> dict[str, Any]:
    if mode == "json_schema":
        schema = {"name": "grade", "strict": True, "schema": grade_schema(rubric)}
        return {"response_format": {"type": "json_schema", "json_schema": schema}}
    if mode == "json_object":
        return {"response_format": {"type": "json_object"}}
    return {}


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
    if isinstance(exc, openai.APITimeoutError):
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
