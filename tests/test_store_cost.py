"""What storage costs a request, counted in statements and commits rather than timed: the
number of round trips is what a turn pays on PostgreSQL, and it must not creep back up."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from interviewer.engine import Plan, Turn
from interviewer.models import llm
from interviewer.scoring import AnswerGrade, Usage
from interviewer.service import Interviews
from interviewer.settings import Settings
from interviewer.storage import Store, backends
from interviewer.web.app import build_service, create_app
from tests.openai_server import FakeOpenAI, auto_reply

pytestmark = pytest.mark.both_backends
ANSWER = "I would key the limit on each API key with a token bucket, and return 429."


@pytest.fixture
def statements(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Every statement the store sends, by its first words, and every write transaction
    (a commit) as "COMMIT"."""
    seen: Counter[str] = Counter()

    def counted(method):  # noqa: ANN001, ANN202
        def run(self, sql, params=()):  # noqa: ANN001, ANN202
            seen[" ".join(sql.split()[:3])] += 1
            return method(self, sql, params)
        return run

    for tx in (backends._SQLiteTx, backends._PgTx):
        for name in ("execute", "fetchone", "fetchall"):
            monkeypatch.setattr(tx, name, counted(getattr(tx, name)))
    for db in (backends.SQLiteDatabase, backends.PostgresDatabase):
        def transaction(self, write=True, lock=None, _inner=db.transaction):  # noqa: ANN001, ANN202
            seen["COMMIT"] += write
            return _inner(self, write, lock)
        monkeypatch.setattr(db, "transaction", transaction)
    return seen


def _sent(seen: Counter[str]) -> int:
    return sum(n for what, n in seen.items() if what != "COMMIT")


def _interview(store: Store, answered: int) -> str:
    plan = Plan("full", None, None, ("q1", "q2", "q3"), "senior")
    interview_id = store.create(plan, "fake")
    for n in range(answered):
        store.add_turn(interview_id, 2 * n, Turn("interviewer", "question", f"q{n + 1}", "Q?"))
        store.add_answer(interview_id, 2 * n + 1, Turn("candidate", "answer", f"q{n + 1}", "A."))
        store.save_grade(interview_id, AnswerGrade(question_id=f"q{n + 1}", criteria=[],
                                                   grader="fake"), usage_seq=2 * n + 1)
    return interview_id


def test_history_and_progress_read_any_number_of_interviews_in_four_queries(
        backend: str, statements: Counter[str]) -> None:
    store = Store(backend)
    ids = [_interview(store, answered=n % 3) for n in range(3)]
    statements.clear()
    few = store.list_recent(50)
    with_three = _sent(statements)
    ids += [_interview(store, answered=n % 3) for n in range(12)]
    statements.clear()
    many = store.list_recent(50)
    assert (len(few), len(many)) == (3, 15)
    assert _sent(statements) == with_three == 4  # the ids, then interviews, turns and grades
    assert many == [store.load(i) for i in reversed(ids)]  # what one load at a time reads
    page, cursor = store.list_page("local", limit=10)
    assert page == many[:10] and cursor is not None
    store.close()


def test_a_batch_load_leaves_out_what_is_gone_and_keeps_the_order(backend: str) -> None:
    store = Store(backend)
    ids = [_interview(store, answered=1) for _ in range(3)]
    store.delete_interview(ids[1])
    assert [r.id for r in store.load_many([ids[2], ids[1], ids[0]])] == [ids[2], ids[0]]
    store.close()


def test_advance_returns_exactly_what_a_fresh_load_reads(
        mini_service: Interviews) -> None:
    """Advance builds its answer from what it wrote instead of reading the interview back:
    it must be the very record a load returns, after every step of an interview."""
    service = mini_service
    plan = service.plan(count=2)
    interview_id = service.create(plan, "fake")

    async def walk() -> None:
        record = await service.advance(interview_id)
        assert record == service.store.load(interview_id)
        for n in range(20):
            if record.state.finished:
                break
            service.submit(interview_id, f"{ANSWER} ({n})")
            record = await service.advance(interview_id)
            assert record == service.store.load(interview_id)
        assert record.state.finished and record.state.grades


    asyncio.run(walk())


def test_finish_returns_exactly_what_a_fresh_load_reads(mini_service: Interviews) -> None:


    service = mini_service
    interview_id = service.create(service.plan(count=2), "fake")
    asyncio.run(service.advance(interview_id))
    service.submit(interview_id, ANSWER)
    record = asyncio.run(service.finish(interview_id))
    assert record.state.finished and record == service.store.load(interview_id)


@pytest.fixture
def llm_client(backend: str, tmp_path: Path) -> Iterator[TestClient]:
    """The app on the LLM path (token cap and spend included), over a loopback fake model."""
    llm.forget_servers()
    fake = FakeOpenAI(auto_reply).start()
    settings = Settings(_env_file=None, OPENAI_API_KEY="test", OPENAI_BASE_URL=fake.base_url,
                        INTERVIEWER_DB=backend, INTERVIEWER_MAX_RETRIES=0,
                        INTERVIEWER_RATE_LIMIT=1000)
    with TestClient(create_app(settings, build_service(settings))) as client:
        yield client
    fake.stop()
    llm.forget_servers()


# What one answered turn (the answer stored, graded, the next question asked and shown) sends
# to the database on the LLM path, counted when these limits were set. More means a round trip
# crept back in; fewer is welcome: lower the limits.
STATEMENTS_PER_ANSWER = {"sqlite": 21, "postgresql": 11}
COMMITS_PER_ANSWER = {"sqlite": 9, "postgresql": 0}  # PostgreSQL: each statement is its own


def test_an_answered_turn_sends_a_bounded_number_of_statements(
        backend: str, llm_client: TestClient, statements: Counter[str], plain_draws) -> None:
    state = llm_client.post("/api/interviews", json={"questions": 2})
    assert state.status_code == 201, state.text
    statements.clear()
    state = llm_client.post(f"/api/interviews/{state.json()['id']}/answers",
                            json={"text": ANSWER, "turn": state.json()["current"]["turn"]})
    assert state.status_code == 200 and state.json()["current"]["number"] == 2
    dialect = "postgresql" if backend.startswith("postgres") else "sqlite"
    assert _sent(statements) <= STATEMENTS_PER_ANSWER[dialect], statements
    assert statements["COMMIT"] <= COMMITS_PER_ANSWER[dialect], statements
    if dialect == "postgresql":  # each load of the interview is one statement
        assert statements["SELECT * FROM"] == 0, statements


def test_the_rate_window_admits_exactly_its_limit_from_racing_processes(backend: str) -> None:
    """The window is one statement on PostgreSQL: it must still serialise one client's
    requests across stores (processes). Six stores ask at the same moment, for client
    after client, each allowed one request a minute: exactly one of the six gets through."""
    stores = [Store(backend) for _ in range(6)]
    start = threading.Barrier(len(stores))
    admitted: Counter[str] = Counter()

    def hammer(store: Store) -> None:
        for n in range(25):
            start.wait()
            if store.rate_log.retry_after(f"10.0.0.{n}", 1, now=1000.0) is None:
                admitted[f"10.0.0.{n}"] += 1

    threads = [threading.Thread(target=hammer, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert admitted == {f"10.0.0.{n}": 1 for n in range(25)}
    assert stores[0].rate_log.retry_after("10.0.0.0", 1, now=1030.0) == 30  # oldest at 1000
    for s in stores:
        s.close()


def test_the_rate_window_sweeps_clients_that_went_quiet(backend: str) -> None:
    store = Store(backend)
    store.rate_log.retry_after("quiet", 10, now=0.0)
    for _ in range(499):  # the 500th request sweeps every client's expired rows
        store.rate_log.retry_after("busy", 10**6, now=100.0)
    row = store.db.fetchone("SELECT COUNT(*) AS n FROM rate_events WHERE client = ?",
                            ("quiet",))
    assert row["n"] == 0
    store.close()


def test_spend_is_read_once_under_the_lease_and_afresh_after_it(
        backend: str, statements: Counter[str]) -> None:
    one, two = Store(backend), Store(backend)
    two.token_spend.add("iv", 10)
    statements.clear()
    with one.token_spend.held("iv"):
        assert one.token_spend.spent("iv") == 10
        one.token_spend.add("iv", 100)
        one.token_spend.raise_to("iv", 50)  # lower than what is counted: no change
        assert one.token_spend.spent("iv") == one.token_spend.spent("iv") == 110
    reads = statements["SELECT tokens FROM"]
    assert reads == (1 if backend.startswith("postgres") else 3)  # SQLite: after each write
    two.token_spend.add("iv", 25)  # another process, once the lease is let go
    assert one.token_spend.spent("iv") == 135
    one.token_spend.raise_to("iv", 500)
    assert two.token_spend.spent("iv") == 500


def test_a_grade_and_its_cost_are_saved_together_and_a_regrade_replaces_both(
        backend: str, statements: Counter[str]) -> None:
    """On PostgreSQL the grade and the cost on the answer go in one statement (a
    data-modifying WITH), not a transaction of two: both must land, and again on a regrade."""
    store = Store(backend)
    interview_id = _interview(store, answered=1)
    statements.clear()
    store.save_grade(interview_id, AnswerGrade(question_id="q1", criteria=[], grader="again",
                                               usage=Usage(prompt_tokens=7, completion_tokens=3)),
                     usage_seq=1)
    sent = Counter(statements)
    record = store.load(interview_id)
    assert record.state.grades["q1"].grader == "again"
    assert record.turns[1].usage == Usage(prompt_tokens=7, completion_tokens=3)
    assert record.turns[0].usage is None  # only the answer graded carries the cost
    if backend.startswith("postgres"):
        assert sent == Counter({"WITH g AS": 1}), sent
    store.close()
