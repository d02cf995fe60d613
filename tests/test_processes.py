"""Several processes on one database behave as one: each answer is recorded once, each turn
asked once, retries are safe, and a storage fault is never acknowledged.

Two `Interviews` services over two separate `Store`s stand for two server processes: they
share nothing but the database, exactly like `uvicorn --workers 2` or two hosts.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from interviewer.library import Library, default_library
from interviewer.models.base import TurnRequest
from interviewer.service import Interviews
from interviewer.settings import Settings
from interviewer.web.app import create_app
from tests.conftest import make_service
from tests.fakes import FakeModel
from tests.live import serve

pytestmark = pytest.mark.both_backends
ANSWER = "I would give each API key a token bucket and return 429 with Retry-After."


class SlowModel(FakeModel):
    """Phrasing takes a while, so two requests for the same turn really overlap."""

    async def phrase(self, request: TurnRequest) -> AsyncIterator[str]:
        await asyncio.sleep(0.05)
        async for chunk in super().phrase(request):
            yield chunk


def _answers(service: Interviews, iid: str) -> list[str]:
    return [t.turn.text for t in service.store.load(iid).turns if t.turn.role == "candidate"]


@pytest.fixture
def two(settings: Settings, mini_library: Library) -> tuple[Interviews, Interviews, FakeModel]:
    model = SlowModel()
    return (make_service(settings, mini_library, model),
            make_service(settings, mini_library, model), model)


def test_two_processes_resuming_one_interview_ask_the_model_once(two) -> None:
    one, other, model = two
    iid = one.create(one.plan("single"), "fake")

    async def race() -> None:
        await asyncio.gather(one.advance(iid), other.advance(iid), one.advance(iid))

    asyncio.run(race())
    assert len(model.turn_requests) == 1
    assert [t.seq for t in one.store.load(iid).turns] == [0]
    one.submit(iid, ANSWER)
    asyncio.run(race())
    assert len(model.grade_requests) == 1  # graded once, not once per process
    assert one.store.load(iid).state.finished or len(model.turn_requests) == 2


def test_a_resent_answer_without_turn_is_recorded_once(client: TestClient) -> None:
    created = client.post("/api/interviews", json={"model": "fake", "questions": 2}).json()
    iid = created["id"]
    for _ in range(3):
        response = client.post(f"/api/interviews/{iid}/answers", json={"text": ANSWER})
        assert response.status_code == 200, response.text
    stored = client.get(f"/api/interviews/{iid}").json()["turns"]
    assert [t["text"] for t in stored if t["role"] == "candidate"] == [ANSWER]
    # a different answer to the next question is of course stored
    assert client.post(f"/api/interviews/{iid}/answers", json={"text": "Second."}).status_code \
        == 200
    stored = client.get(f"/api/interviews/{iid}").json()["turns"]
    assert [t["text"] for t in stored if t["role"] == "candidate"] == [ANSWER, "Second."]


@pytest.fixture
def live(settings: Settings, fake_model: FakeModel) -> Iterator[str]:
    app = create_app(settings, make_service(settings, default_library(), fake_model))
    with serve(app) as base:
        yield base


def _concurrently(base: str, requests: list[tuple[str, dict, dict]]) -> list[httpx.Response]:
    async def go() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:
            return await asyncio.gather(*(http.post(url, json=body, headers=headers)
                                          for url, body, headers in requests))
    return asyncio.run(go())


def test_twenty_concurrent_identical_answers_are_stored_once(live: str) -> None:
    iid = httpx.post(f"{live}/api/interviews", json={"model": "fake", "questions": 2},
                     timeout=30).json()["id"]
    url = f"/api/interviews/{iid}/answers"
    responses = _concurrently(live, [(url, {"text": ANSWER}, {})] * 20)
    assert {r.status_code for r in responses} == {200}, [r.text for r in responses]
    stored = httpx.get(f"{live}/api/interviews/{iid}", timeout=30).json()["turns"]
    assert [t["text"] for t in stored if t["role"] == "candidate"] == [ANSWER]


def test_an_idempotency_key_replays_the_first_response(client: TestClient,
                                                        fake_model: FakeModel) -> None:
    key = {"Idempotency-Key": "create-7f3a"}
    body = {"model": "fake", "questions": 2}
    first = client.post("/api/interviews", json=body, headers=key)
    again = client.post("/api/interviews", json=body, headers=key)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    assert len(client.app.state.service.store.list_recent()) == 1
    iid = first.json()["id"]
    answer_key = {"Idempotency-Key": "answer-1"}
    one = client.post(f"/api/interviews/{iid}/answers", json={"text": ANSWER}, headers=answer_key)
    grades = len(fake_model.grade_requests)
    two = client.post(f"/api/interviews/{iid}/answers", json={"text": ANSWER}, headers=answer_key)
    assert one.json() == two.json() and len(fake_model.grade_requests) == grades
    reused = client.post(f"/api/interviews/{iid}/answers", json={"text": "Other"},
                         headers=answer_key)
    # 409, as payment APIs answer: the body is well formed, the key is what clashes
    assert reused.status_code == 409 and "different request" in reused.json()["detail"]
    bad = client.post("/api/interviews", json=body, headers={"Idempotency-Key": "x" * 300})
    assert bad.status_code == 422


def test_concurrent_requests_with_one_key_create_one_interview(live: str) -> None:
    request = ("/api/interviews", {"model": "fake", "questions": 1},
               {"Idempotency-Key": "same-key"})
    responses = _concurrently(live, [request] * 10)
    assert {r.status_code for r in responses} == {201}, [r.text for r in responses]
    assert len({r.json()["id"] for r in responses}) == 1


def test_a_create_retried_after_a_model_outage_reuses_its_interview(
        client: TestClient, fake_model: FakeModel) -> None:
    key = {"Idempotency-Key": "create-after-outage"}
    fake_model.fail()
    failed = client.post("/api/interviews", json={"model": "fake"}, headers=key)
    assert failed.status_code == 503
    retried = client.post("/api/interviews", json={"model": "fake"}, headers=key)
    assert retried.status_code == 201, retried.text
    assert [r.id for r in client.app.state.service.store.list_recent()] == [retried.json()["id"]]


def test_an_answer_to_a_deleted_database_is_refused_not_acknowledged(
        tmp_path: Path, fake_model: FakeModel) -> None:
    settings = Settings(_env_file=None, INTERVIEWER_DB=str(tmp_path / "gone.db"))
    with TestClient(create_app(settings, make_service(settings, default_library(), fake_model))
                    ) as client:
        iid = client.post("/api/interviews", json={"model": "fake"}).json()["id"]
        (tmp_path / "gone.db").unlink()
        response = client.post(f"/api/interviews/{iid}/answers", json={"text": ANSWER})
        assert response.status_code == 503
        assert "your answer was not saved" in response.json()["detail"].lower()
        page = client.post(f"/interviews/{iid}/answers", data={"text": ANSWER})
        assert page.status_code in (403, 503)  # the CSRF check may refuse first; never 2xx/500


def test_every_process_counts_against_one_rate_allowance(
        backend: str, fake_model: FakeModel) -> None:
    settings = Settings(_env_file=None, INTERVIEWER_DB=backend, INTERVIEWER_RATE_LIMIT=2)
    apps = [create_app(settings, make_service(settings, default_library(), fake_model))
            for _ in range(2)]
    with TestClient(apps[0]) as one, TestClient(apps[1]) as two:
        assert one.post("/api/interviews", json={"model": "fake"}).status_code == 201
        assert two.post("/api/interviews", json={"model": "fake"}).status_code == 201
        refused = one.post("/api/interviews", json={"model": "fake"})
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
        assert two.post("/api/interviews", json={"model": "fake"}).status_code == 429


def test_the_token_cap_holds_across_processes(backend: str, tmp_path: Path,
                                              mini_library: Library) -> None:
    from interviewer.service import _share_spend
    from interviewer.storage import Store
    from tests.openai_server import FakeOpenAI
    from tests.test_llm_model import good, grade, grade_request, make_model

    server = FakeOpenAI().start()
    try:
        first, second = (make_model(server, tmp_path, INTERVIEWER_TOKEN_CAP=5000)
                         for _ in range(2))
        _share_spend(first, Store(backend))  # what the service does in each process
        _share_spend(second, Store(backend))
        request = grade_request(mini_library, ANSWER)
        server.script(good(request, prompt=2000, completion=2500))
        assert grade(first, request).grader == "openai:fake-gpt"  # 4,500 of 5,000 spent
        assert grade(second, request).grader == "offline"  # the other process knows
        assert len(server.requests) == 1
    finally:
        server.stop()


def test_a_stream_whose_store_fails_says_so_instead_of_breaking(
        tmp_path: Path, fake_model: FakeModel, monkeypatch: pytest.MonkeyPatch) -> None:
    from interviewer.storage import StorageUnavailable
    from interviewer.web.stream import grade_events, turn_events

    settings = Settings(_env_file=None, INTERVIEWER_DB=str(tmp_path / "s.db"))
    service = make_service(settings, default_library(), fake_model)
    with TestClient(create_app(settings, service)) as client:
        iid = client.post("/api/interviews", json={"model": "fake"}).json()["id"]
        service.submit(iid, ANSWER)

        async def store_down(*args: object, **kwargs: object) -> None:
            raise StorageUnavailable("disk I/O error")

        monkeypatch.setattr(service, "advance", store_down)

        async def events(stream: AsyncIterator[str]) -> str:
            return "".join([event async for event in stream])

        for stream in (grade_events, turn_events):  # grading, then asking the next turn
            text = asyncio.run(events(stream(service, iid)))
            assert "event: notice" in text and "could not be used" in text
            assert "Your answer is saved" in text and text.endswith("event: done\ndata: {}\n\n")
        # a stream that must first record its spend on a deleted database: a clear 503
        monkeypatch.undo()
        (tmp_path / "s.db").unlink()
        refused = client.get(f"/interviews/{iid}/stream")
        assert refused.status_code == 503 and "Nothing was changed" in refused.text
