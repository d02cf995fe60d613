"""Offline grading in worker processes, so one long answer never holds up the event loop.

Grading is pure CPU work in Python: run on the event loop, a single pathological answer
froze every other request until it was done. Here each grade runs in a worker process, at
most one per worker at a time; further grades wait their turn in a thread, never on the loop.
Each grade has a time budget counted from when its worker starts it: a worker that overruns
is killed and replaced, and the caller gets `GradingTimeout`.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import queue
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from interviewer.models.base import GradeRequest
from interviewer.offline.grader import grade_answer
from interviewer.scoring import AnswerGrade

Grader = Callable[[GradeRequest], AnswerGrade]
# fresh interpreters: forking the server itself, with its threads and open database, could
# copy a lock some other thread holds
_CONTEXT = multiprocessing.get_context("spawn")
PARENT_CHECK_SECONDS = 1.0


def _start_worker(parent: int) -> None:
    """Runs first in each worker: load the grader now, not inside a grade's time budget, and
    leave when the server is gone, even when it was killed and could not say so."""
    import interviewer.offline.grader  # noqa: F401

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


class GradingTimeout(TimeoutError):
    """A grade overran its time budget; its worker was stopped."""


class _Worker:
    """One worker process, started on first use and replaced after it is killed or dies."""

    def __init__(self) -> None:
        self._executor: ProcessPoolExecutor | None = None
        self._pid = 0

    def run(self, grader: Grader, request: GradeRequest, budget: float) -> AnswerGrade:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(1, mp_context=_CONTEXT,
                                                 initializer=_start_worker,
                                                 initargs=(os.getpid(),))
            self._pid = self._executor.submit(os.getpid).result()  # started, before the budget
        future = self._executor.submit(grader, request)
        try:
            return future.result(timeout=budget)
        except TimeoutError:
            self.stop()
            raise GradingTimeout(f"grading took more than {budget:g} s") from None
        except BrokenProcessPool:
            self.stop()  # the worker died (killed, out of memory); the next grade starts anew
            raise

    def stop(self) -> None:
        if self._executor is None:
            return
        if self._pid:
            with contextlib.suppress(ProcessLookupError):  # it died on its own
                os.kill(self._pid, signal.SIGKILL)
        self._executor.shutdown(wait=False, cancel_futures=True)
        self._executor, self._pid = None, 0


class GradingPool:
    """A fixed number of grading workers shared by every interview in this process."""

    def __init__(self, workers: int, budget: float, grader: Grader = grade_answer):
        self.budget = budget
        self.grader = grader
        self._workers = [_Worker() for _ in range(max(1, workers))]
        self._free: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        for worker in self._workers:
            self._free.put(worker)

    async def grade(self, request: GradeRequest) -> AnswerGrade:
        """Grade in a worker; raises GradingTimeout when the grade overruns its budget."""
        return await asyncio.to_thread(self._grade, request)

    def _grade(self, request: GradeRequest) -> AnswerGrade:
        worker = self._free.get()  # waits, in a thread, while every worker is busy
        try:
            return worker.run(self.grader, request, self.budget)
        finally:
            self._free.put(worker)

    def close(self) -> None:
        """Stop every worker now (tests, and shutting down)."""
        for worker in self._workers:
            worker.stop()


_shared: GradingPool | None = None
_shared_lock = threading.Lock()


def shared_pool() -> GradingPool:
    """The process-wide pool, sized by INTERVIEWER_GRADE_WORKERS and INTERVIEWER_GRADE_BUDGET."""
    global _shared
    with _shared_lock:
        if _shared is None:
            from interviewer.settings import get_settings

            settings = get_settings()
            _shared = GradingPool(settings.grade_workers, settings.grade_budget)
        return _shared
