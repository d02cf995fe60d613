"""Offline grading runs in worker processes with a time budget, and its cost is bounded."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from interviewer.engine import NOT_GRADED
from interviewer.library import Library, default_library
from interviewer.models.base import Exchange, GradeRequest
from interviewer.models.offline import OfflineModel
from interviewer.offline import analysis, grade_answer
from interviewer.offline.grader import MAX_SENTENCES
from interviewer.offline.pool import GradingPool, GradingTimeout
from interviewer.scoring import AnswerGrade
from interviewer.service import Interviews
from interviewer.settings import Settings
from interviewer.storage import Store
from interviewer.web.app import create_app
from tests.conftest import Registry
from tests.fakes import FakeModel

STALL = "stall here"


def _request(library: Library, *answers: str) -> GradeRequest:
    question = library.question(library.filter(topic="rate-limiting")[0].id)
    return GradeRequest.for_question(question, library.rubric_for(question),
                                     [Exchange(prompt="Q?", answer=a) for a in answers])


def stalling_grader(request: GradeRequest) -> AnswerGrade:
    """Grades normally, except that an answer saying STALL never finishes."""
    if STALL in request.answer:
        time.sleep(3600)
    return grade_answer(request)


def grader_waiting_for_file(request: GradeRequest) -> AnswerGrade:
    """Grades once the file named by the answer exists: it needs the caller to keep running."""
    marker = Path(request.exchanges[0].answer)
    while not marker.exists():
        time.sleep(0.01)
    return grade_answer(request)


@pytest.fixture
def stalling_pool() -> Iterator[GradingPool]:
    pool = GradingPool(workers=1, budget=1.0, grader=stalling_grader)
    yield pool
    pool.close()


def test_the_pool_grades_exactly_as_the_grader_does() -> None:
    library = default_library()
    request = _request(library, "I would cap each API key with a token bucket, because bursts "
                                "are fine but one client must not starve the rest.")
    pool = GradingPool(workers=1, budget=60.0)
    try:
        assert asyncio.run(pool.grade(request)) == grade_answer(request)
    finally:
        pool.close()


def test_a_grade_that_overruns_its_budget_is_stopped_and_the_worker_replaced(
        stalling_pool: GradingPool) -> None:
    library = default_library()
    with pytest.raises(GradingTimeout, match="more than 1 s"):
        asyncio.run(stalling_pool.grade(_request(library, f"I would {STALL}.")))
    stalling_pool.budget = 60.0  # a fresh worker grades the next answer
    fine = _request(library, "I would return 429 with Retry-After so clients back off.")
    assert asyncio.run(stalling_pool.grade(fine)) == grade_answer(fine)


def test_the_event_loop_keeps_running_while_a_worker_grades(tmp_path: Path) -> None:
    """The grader waits for a file that only this event loop writes: were grading on the loop,
    the file would never appear and the grade would overrun its budget."""
    marker = tmp_path / "go"
    pool = GradingPool(workers=1, budget=60.0, grader=grader_waiting_for_file)

    async def scenario() -> AnswerGrade:
        grading = asyncio.create_task(pool.grade(_request(default_library(), str(marker))))
        await asyncio.sleep(0)
        marker.write_text("go")  # runs while the grade is in progress
        return await grading

    try:
        assert asyncio.run(scenario()).grader == "offline"
    finally:
        pool.close()


def test_an_interview_whose_grade_overruns_goes_on_with_the_reason_shown(
        tmp_path: Path, fake_model: FakeModel, stalling_pool: GradingPool) -> None:
    settings = Settings(_env_file=None, INTERVIEWER_DB=str(tmp_path / "t.db"))
    models = Registry(settings, fake_model)
    models._models["offline"] = OfflineModel(pool=stalling_pool)
    service = Interviews(Store(settings.db_path()), default_library(), models)
    with TestClient(create_app(settings, service)) as client:
        iid = client.post("/api/interviews", json={"model": "offline", "questions": 2}
                          ).json()["id"]
        step = client.post(f"/api/interviews/{iid}/answers", json={"text": f"I {STALL}."})
        assert step.status_code == 200
        assert step.json()["current"]["number"] == 2
        card = client.get(f"/api/interviews/{iid}/scorecard").json()
    assert card["questions"][0]["flags"] == [NOT_GRADED]
    assert "grading took longer than its time budget" in card["questions"][0]["notes"][0]


def _analysed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the sentences the grader analyses."""
    calls = [0]
    real = analysis._analyse

    def counting(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        calls[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(analysis, "_analyse", counting)
    return calls


def test_each_answer_is_read_up_to_the_sentence_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _analysed(monkeypatch)
    library = default_library()
    lines = "a rate limit per key\n" * 1000
    grade = grade_answer(_request(library, lines, lines, lines))
    assert calls[0] == 3 * MAX_SENTENCES
    assert any(f"Only the first {MAX_SENTENCES} sentences" in n for n in grade.notes)
    calls[0] = 0
    short = grade_answer(_request(library, "Cap each key. Return 429 with Retry-After."))
    assert calls[0] == 2 and not any("Only the first" in n for n in short.notes)


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_grading_workers_leave_when_the_server_is_killed(tmp_path: Path) -> None:
    import os
    import signal

    import httpx

    from tests.live import free_port, start_app_process

    port = free_port()
    proc = start_app_process({"INTERVIEWER_DB": str(tmp_path / "k.db"),
                              "INTERVIEWER_MODEL": "offline"}, port)
    try:
        base = f"http://127.0.0.1:{port}"
        iid = httpx.post(f"{base}/api/interviews", json={}, timeout=60).json()["id"]
        answered = httpx.post(f"{base}/api/interviews/{iid}/answers",
                              json={"text": "I would cap each key."}, timeout=60)
        assert answered.status_code == 200
        workers = _children(proc.pid)
        assert workers  # the grade ran in a worker process
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    deadline = time.monotonic() + 60  # a limit on waiting, not a measurement
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(w) for w in workers)
