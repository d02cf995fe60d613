"""A model server that misbehaves, as real ones do, through the real `openai` client.

Each test reproduces one finding of issue 8 on the loopback fake: bodies that are HTML or
broken JSON, a stream that trickles past the deadline, replies of many megabytes, a context
smaller than the prompt, and interviewer turns a small model garbles.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from interviewer import conversation
from interviewer.library import Library
from interviewer.llm.guard import turn_checks
from interviewer.llm.schema import MAX_QUOTES, grade_reply_tokens
from interviewer.models import llm
from interviewer.models.base import Exchange, TurnRequest
from tests.openai_server import FakeOpenAI, Reply, grade_content
from tests.test_llm_model import (
    ANSWER,
    QUOTE,
    Sleeps,
    good,
    grade,
    grade_request,
    make_model,
    phrase,
    turn_request,
)

HTML = "<html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>"


@pytest.fixture(autouse=True)
def forget_servers() -> Iterator[None]:
    llm.forget_servers()
    yield
    llm.forget_servers()


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI().start()
    yield fake
    fake.stop()


def follow_up_request(library: Library, answer: str = ANSWER) -> TurnRequest:
    q = next(iter(library.questions.values()))
    rubric = library.rubric_for(q)
    return TurnRequest(interview_id="iv", kind="follow_up", question=q, rubric=rubric,
                       seed_text="What would you do about versioning?",
                       criterion=rubric.criteria[0], number=1, total=2,
                       exchanges=[Exchange(prompt=q.text, answer=answer)])


# --- grading replies that are not chat completions ---

@pytest.mark.parametrize(("body", "kind", "why"), [
    ("{not json", "application/json", "the server's reply is not valid JSON"),
    (HTML, "text/html", "the server replied with text/html, not a chat completion"),
    ('{"choices": 3}', "application/json", "the server's reply has no choices"),
])
def test_a_reply_that_is_not_a_chat_completion_is_asked_again_then_graded_offline(
        body: str, kind: str, why: str, server: FakeOpenAI, tmp_path: Path,
        mini_library: Library) -> None:
    model = make_model(server, tmp_path)
    server.script(Reply.raw_body(body, kind), Reply.raw_body(body, kind))
    result = grade(model, grade_request(mini_library, ANSWER))
    assert result.grader == "offline" and len(server.requests) == 2
    assert result.notes[0].startswith("Graded by the offline grader because the model twice "
                                      f"replied in a form the grader cannot use ({why}")
    assert result.usage.prompt_tokens > 0  # both prompts were read by the server


def test_one_broken_body_then_a_good_one_is_a_model_grade(
        server: FakeOpenAI, tmp_path: Path, mini_library: Library) -> None:
    model = make_model(server, tmp_path)
    request = grade_request(mini_library, ANSWER)
    server.script(Reply.raw_body(HTML, "text/html"), good(request))
    assert grade(model, request).grader == "openai:fake-gpt"


def test_a_grading_reply_of_many_megabytes_is_not_read_whole(
        server: FakeOpenAI, tmp_path: Path, mini_library: Library) -> None:
    model = make_model(server, tmp_path)
    request = grade_request(mini_library, ANSWER)
    huge = Reply.text("x" * 20_000_000)
    server.script(huge, huge)
    result = grade(model, request)
    assert result.grader == "offline"
    assert f"larger than {llm.MAX_REPLY_BYTES:,} bytes" in result.notes[0]


def test_thousands_of_quotes_are_cut_to_a_bounded_few(
        server: FakeOpenAI, tmp_path: Path, mini_library: Library) -> None:
    model = make_model(server, tmp_path)
    request = grade_request(mini_library, ANSWER)
    content = grade_content(request.rubric.criterion_ids, 4, [QUOTE] * 500)
    content["injected_text"] = ["We shard the event store"] * 3000
    server.script(Reply.text(content))
    result = grade(model, request)
    assert result.grader == "openai:fake-gpt"
    # the 3,000 repeats were cut to MAX_QUOTES before any was searched for
    assert f"{MAX_QUOTES * 2} quote(s) the model cited" in " ".join(result.notes)


def test_grading_asks_for_a_reply_sized_to_the_schema(
        server: FakeOpenAI, tmp_path: Path, mini_library: Library) -> None:
    model = make_model(server, tmp_path)
    request = grade_request(mini_library, ANSWER)
    server.script(good(request))
    grade(model, request)
    sent = server.requests[0]["max_tokens"]
    assert sent == grade_reply_tokens(request.rubric) == 300 + 350 * 2


# --- deadlines ---

def test_a_trickling_stream_is_cut_at_one_total_deadline(
        server: FakeOpenAI, tmp_path: Path, mini_library: Library) -> None:
    # a chunk every 20 ms never trips a per-read timeout; only a total deadline ends it
    model = make_model(server, tmp_path, INTERVIEWER_REQUEST_TIMEOUT=3)
    request = turn_request(mini_library)
    server.script(Reply.trickle(*["."] * 30_000, request.seed_text, interval=0.02))
    assert phrase(model, request) == [request.seed_text]
    usage = model.turn_usage("iv")
    assert usage is not None
    assert usage.note == ("the model did not answer within 3 seconds "
                          "(INTERVIEWER_REQUEST_TIMEOUT)")
    assert server.streams_finished == 0 and len(server.requests) == 1


def test_a_timed_out_turn_is_not_retried(server: FakeOpenAI, tmp_path: Path, sleeps: Sleeps,
                                         mini_library: Library) -> None:
    model = make_model(server, tmp_path, sleeps, INTERVIEWER_REQUEST_TIMEOUT=2)
    request = turn_request(mini_library)
    server.script(Reply(chunks=["Hello."], delay=600))
    assert phrase(model, request) == [request.seed_text]
    assert len(server.requests) == 1 and sleeps.waits == []


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


# --- interviewer turns checked before anyone sees them ---

def _garbled(seed: str) -> dict[str, tuple[Reply, str]]:
    long = "Imagine an AI-powered platform that changes everything for everyone. " * 30
    return {
        "too long": (Reply.stream(long + seed), "the model's turn ran past 400 characters"),
        "echo": (Reply.stream("Here is the follow-up: ", seed), "the model's turn repeated its "
                 "instructions ('here is the follow-up')"),
        "spoken for": (Reply.stream("The candidate said sharding is easy. ", seed),
                       "the model's turn spoke for the candidate ('the candidate said')"),
        "invented quote": (Reply.stream('You said "we never shard anything at all". ', seed),
                           "the model's turn quoted words the candidate never wrote"),
        "token limit": (Reply(chunks=["So tell me, how would ", "you"], finish="length"),
                        "the model's turn stopped at its token limit mid-turn"),
        "mid-sentence": (Reply.stream(seed, " And then how would"),
                         "the model's turn stopped mid-sentence"),
        "strayed": (Reply.stream("How do you feel about blockchain payments in retail?"),
                    "the model's turn strayed from the library question"),
        "empty": (Reply.stream(), "the model's turn was empty"),
    }


@pytest.mark.parametrize("case", ["too long", "echo", "spoken for", "invented quote",
                                  "token limit", "mid-sentence", "strayed", "empty"])
def test_a_garbled_follow_up_is_replaced_by_the_library_wording_with_the_reason(
        case: str, server: FakeOpenAI, tmp_path: Path, mini_library: Library) -> None:
    model = make_model(server, tmp_path)
    request = follow_up_request(mini_library)
    request = request.model_copy(update={"lead_in": conversation.lead_in(
        "follow_up", 1, request.exchanges[-1].answer, 2)})
    reply, reason = _garbled(request.seed_text)[case]
    server.script(reply)
    said = "".join(phrase(model, request))
    assert said == f"{request.lead_in} {request.seed_text}"  # the library's words, lead-in
    assert "“" in request.lead_in  # which quotes the answer
    usage = model.turn_usage("iv")
    assert usage is not None and usage.note.startswith(reason)


def test_a_good_follow_up_may_quote_the_candidate_and_set_a_scene(
        server: FakeOpenAI, tmp_path: Path, mini_library: Library) -> None:
    model = make_model(server, tmp_path)
    request = follow_up_request(mini_library)
    server.script(Reply.stream('You said "we shard the event store by tenant". ',
                               "What would you do about versioning when tenants differ?"))
    said = "".join(phrase(model, request))
    assert said.startswith("You said") and model.turn_usage("iv").note == ""  # type: ignore[union-attr]


def test_a_twenty_megabyte_question_is_never_kept(
        server: FakeOpenAI, tmp_path: Path, mini_library: Library) -> None:
    model = make_model(server, tmp_path)
    request = turn_request(mini_library)
    server.script(Reply.stream(*["x" * 1_000_000] * 20))
    assert phrase(model, request) == [request.seed_text]
    usage = model.turn_usage("iv")
    assert usage is not None and usage.note.startswith("the model's turn ran past")
    assert server.streams_finished == 0  # we stopped reading; the rest was never taken


def test_the_checks_live_in_yaml_a_pm_can_edit() -> None:
    checks = turn_checks()
    assert "here is the follow-up" in checks.echoed_instructions
    assert "the candidate said" in checks.invented_quotes


# --- a context smaller than the prompt ---

def test_the_servers_own_context_size_from_props_is_used_and_named(
        server: FakeOpenAI, tmp_path: Path, mini_library: Library) -> None:
    server.props = {"default_generation_settings": {"n_ctx": 1024}}
    model = make_model(server, tmp_path)
    result = grade(model, grade_request(mini_library, "We shard by tenant. " * 120))
    assert result.grader == "offline" and server.requests == []
    assert "/props" in server.gets
    assert "could not fit the answer in its context" in result.notes[0]
    assert "the server holds 1,024 tokens, as its /props says" in result.notes[0]
    assert "refused every output format" not in result.notes[0]


def test_context_size_from_v1_models(server: FakeOpenAI, tmp_path: Path,
                                     mini_library: Library) -> None:
    server.models = {"object": "list", "data": [{"id": "fake-gpt", "max_model_len": 1024}]}
    result = grade(make_model(server, tmp_path),
                   grade_request(mini_library, "We shard by tenant. " * 120))
    assert "the server holds 1,024 tokens, as its /v1/models says" in result.notes[0]


LLAMA_CONTEXT_ERROR = {"error": {
    "message": "This model's maximum context length is 1024 tokens. However, you requested "
               "2431 tokens (1481 in the messages, 950 in the completion). Please reduce the "
               "length of the messages or completion.",
    "type": "invalid_request_error", "param": "messages", "code": "context_length_exceeded"}}


def test_the_first_context_error_teaches_the_size_and_says_so(
        server: FakeOpenAI, tmp_path: Path, mini_library: Library) -> None:
    model = make_model(server, tmp_path)
    server.script(Reply.error(400, "", body=LLAMA_CONTEXT_ERROR))
    result = grade(model, grade_request(mini_library, "We shard by tenant. " * 120))
    assert result.grader == "offline" and len(server.requests) == 1  # no other format tried
    assert "refused every output format" not in result.notes[0]
    assert "the server holds 1,024 tokens, as its first context-length error says" in \
        result.notes[0]
    # the next grade knows the size before it asks
    again = grade(model, grade_request(mini_library, "We shard by tenant. " * 120))
    assert again.grader == "offline" and len(server.requests) == 1


def test_a_context_error_without_a_size_still_says_what_happened(
        server: FakeOpenAI, tmp_path: Path, mini_library: Library) -> None:
    model = make_model(server, tmp_path)
    server.script(Reply.error(400, "the request exceeds the available context size, try "
                                   "increasing it"))
    result = grade(model, grade_request(mini_library, ANSWER))
    assert result.grader == "offline" and len(server.requests) == 1
    assert "said the prompt is longer than its context" in result.notes[0]


def test_a_follow_up_over_the_limit_is_not_charged_and_says_why(
        server: FakeOpenAI, tmp_path: Path, mini_library: Library) -> None:
    # llama-cpp-python answers a streamed request past its context with an empty stream
    model = make_model(server, tmp_path)
    request = follow_up_request(mini_library)
    server.script(Reply(chunks=[]))
    said = "".join(phrase(model, request))
    assert said.endswith(request.seed_text)
    usage = model.turn_usage("iv")
    assert usage is not None and usage.total_tokens == 0
    assert usage.note == "the model's turn was empty"
    assert model.ledger.spent("iv") == 0


def test_a_streamed_context_error_uses_the_library_wording(
        server: FakeOpenAI, tmp_path: Path, mini_library: Library) -> None:
    model = make_model(server, tmp_path)
    request = turn_request(mini_library)
    server.script(Reply.error(400, "", body=LLAMA_CONTEXT_ERROR))
    assert phrase(model, request) == [request.seed_text]
    usage = model.turn_usage("iv")
    assert usage is not None and usage.total_tokens == 0
    assert "said the prompt is longer than its context" in usage.note



@pytest.mark.parametrize(("body", "kind", "reason"), [
    (HTML, "text/html", "the model's turn was empty"),
    ("data: {not json\n\n", "text/event-stream",
     "the model's turn was not a readable stream (JSONDecodeError)"),
])
def test_a_stream_that_is_not_a_stream_is_replaced_by_the_library_wording(
        body: str, kind: str, reason: str, server: FakeOpenAI, tmp_path: Path,
        mini_library: Library) -> None:
    model = make_model(server, tmp_path)
    request = turn_request(mini_library)
    server.script(Reply.raw_body(body, kind))
    assert phrase(model, request) == [request.seed_text]
    usage = model.turn_usage("iv")
    assert usage is not None and usage.note == reason
