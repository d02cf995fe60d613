"""Where a PostgreSQL store call's time goes, per trip to a database thread, run by hand.

    INTERVIEWER_TRIP_TIMING=/tmp/trips PYTHONPATH=bench/trip_timing \
        python bench/load.py --model llm --db postgresql://… --workers 1 --interviews 200
    cat /tmp/trips.*        # one table per server process

Python imports this file at start in every process that has this folder on PYTHONPATH; in
the server (INTERVIEWER_TRIP_TIMING set, INTERVIEWER_DB a PostgreSQL URL) it wraps
`Offload.__call__` and splits each call into: `queue`, from the call to a thread starting it
(all threads busy); `in thread`, the thread's wall time (the database, the pool, and waits
for the GIL), with `thread CPU` its own CPU; `back to loop`, from the thread finishing to the
coroutine running again (the busy event loop's queue). The benchmark ends the server with
SIGKILL, so the table is rewritten every 300 calls. Not part of the app.
"""

from __future__ import annotations

import os

if os.environ.get("INTERVIEWER_TRIP_TIMING") and os.environ.get(
        "INTERVIEWER_DB", "").startswith("postgres"):
    import asyncio
    import statistics
    import time

    from interviewer.storage import offload

    _parts: dict[str, list[float]] = {"queue": [], "in thread": [], "thread CPU": [],
                                      "back to loop": [], "whole call": []}

    def _write() -> None:
        lines = ["| part | calls | mean ms | p50 ms | p95 ms | p99 ms |",
                 "|---|---|---|---|---|---|"]
        for name, values in _parts.items():
            cuts = statistics.quantiles(values, n=100)
            lines.append(f"| {name} | {len(values)} | {statistics.fmean(values) * 1000:.2f} | "
                         + " | ".join(f"{cuts[i] * 1000:.2f}" for i in (49, 94, 98)) + " |")
        path = f"{os.environ['INTERVIEWER_TRIP_TIMING']}.{os.getpid()}"
        with open(path, "w", encoding="utf-8") as out:
            out.write("\n".join(lines) + "\n")

    async def _timed(self, fn, /, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if self._pool is None:
            return fn(*args, **kwargs)
        marks: dict[str, float] = {}

        def work():  # noqa: ANN202
            marks["start"], cpu = time.perf_counter(), time.thread_time()
            try:
                with self._around():
                    return fn(*args, **kwargs)
            finally:
                marks["cpu"], marks["end"] = time.thread_time() - cpu, time.perf_counter()

        called = time.perf_counter()
        result = await offload.settled(asyncio.get_running_loop().run_in_executor(self._pool,
                                                                                  work))
        back = time.perf_counter()
        for name, value in (("queue", marks["start"] - called),
                            ("in thread", marks["end"] - marks["start"]),
                            ("thread CPU", marks["cpu"]), ("back to loop", back - marks["end"]),
                            ("whole call", back - called)):
            _parts[name].append(value)
        if len(_parts["whole call"]) % 300 == 0:
            _write()
        return result

    offload.Offload.__call__ = _timed
