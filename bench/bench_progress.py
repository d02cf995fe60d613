"""Time the Progress page and `interviewer progress`'s data as a candidate's history grows.

Usage: .venv/bin/python bench/bench_progress.py [--sizes 10,50,200] [--rounds 5]
Seeds a fresh SQLite database with N one-question interviews, each with a stored question,
answer and grade (scores drawn from a fixed seed), spread over N days; then times building
the overview (storage reads, trends, scheduler) and a whole GET /progress through the app.
Target: GET /progress under 500 ms median at 200 interviews (the page reads at most 200).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fastapi.testclient import TestClient  # noqa: E402

from interviewer.engine import Plan, Turn  # noqa: E402
from interviewer.library import Library, default_library  # noqa: E402
from interviewer.progress import overview  # noqa: E402
from interviewer.scoring import AnswerGrade, CriterionGrade  # noqa: E402
from interviewer.settings import Settings  # noqa: E402
from interviewer.storage import LOCAL_OWNER, Store  # noqa: E402
from interviewer.web.app import create_app  # noqa: E402

TARGET_MS = 500.0


def seed(store: Store, library: Library, n: int, rng: random.Random) -> None:
    questions = sorted(library.questions)
    start = datetime.now(UTC) - timedelta(days=n)
    for i in range(n):
        qid = rng.choice(questions)
        q = library.question(qid)
        iid = store.create(Plan("single", q.area, q.topic, (qid,)), "offline", LOCAL_OWNER)
        store.add_turn(iid, 0, Turn("interviewer", "question", qid, q.text))
        store.add_turn(iid, 1, Turn("candidate", "answer", qid, f"Answer {i}. It says things."))
        criteria = [CriterionGrade(id=c.id, name=c.name, score=rng.randint(1, 4),
                                   weight=c.weight, evidence=[f"Answer {i}."])
                    for c in library.rubric_for(q).criteria]
        store.save_grade(iid, AnswerGrade(question_id=qid, criteria=criteria, grader="offline",
                                          answers=1))
        store.finish(iid)
        when = start + timedelta(days=i)
        store.db.execute("UPDATE interviews SET created_at = ? WHERE id = ?",
                         (when.isoformat(timespec="microseconds"), iid))
        store.db.execute("UPDATE turns SET created_at = ? WHERE interview_id = ?",
                         (when.isoformat(timespec="seconds"), iid))


def timed(fn, rounds: int) -> float:
    """Median milliseconds of `rounds` calls, after one warm-up call."""
    fn()
    samples = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10,50,200")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    library = default_library()
    print("| interviews | overview ms (median) | GET /progress ms (median) | target |")
    print("|---:|---:|---:|---|")
    for n in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            db = str(Path(tmp) / "bench.db")
            settings = Settings(_env_file=None, INTERVIEWER_DB=db)
            app = create_app(settings)
            store = app.state.service.store
            seed(store, library, n, random.Random(n))
            build = timed(partial(overview.for_owner, store, library, LOCAL_OWNER), args.rounds)
            with TestClient(app) as client:
                page = timed(partial(client.get, "/progress"), args.rounds)
            ok = "ok" if n > 200 or page < TARGET_MS else f"OVER {TARGET_MS:.0f}"
            print(f"| {n} | {build:.1f} | {page:.1f} | {ok} |")


if __name__ == "__main__":
    main()
