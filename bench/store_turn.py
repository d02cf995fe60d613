"""The storage work of one answered turn, alone: CPU and wall milliseconds per turn.

    python bench/store_turn.py                                   # SQLite, a temporary file
    python bench/store_turn.py --db postgresql://postgres@127.0.0.1:55432/postgres

Per interview it sends what the API sends for one answer on the LLM path (two loads of the
interview, the answer, the rate-limit window, the lease taken and let go, the token spend
read and written twice, the grade with its usage, the next turn, the turn marked seen), with
no HTTP and no model, so a change to the store or its drivers can be compared without the
noise of the whole app. PostgreSQL gets a fresh database, dropped after. CPU is this thread's own
(`time.thread_time`); the database server's is not in it. Prints one table row.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load import _database  # noqa: E402
from interviewer.engine import Plan, Turn  # noqa: E402
from interviewer.scoring import AnswerGrade  # noqa: E402
from interviewer.storage import Store  # noqa: E402


def one_turn(store: Store, interview_id: str, grade: AnswerGrade) -> None:
    """The statements one answer sends on the LLM path, in the API's order."""
    store.load(interview_id)  # the route: the owner check, and the record the answer meets
    store.add_answer(interview_id, 1, Turn("candidate", "answer", "q1", "My answer."))
    store.rate_log.retry_after(f"client-{interview_id}", 10**6, time.time())
    lease, holder = f"interview:{interview_id}", "bench"
    store.leases.try_acquire(lease, holder, 30.0)
    with store.token_spend.held(interview_id):
        store.load(interview_id)  # advance, under the lease
        store.token_spend.spent(interview_id)  # the token cap, before grading
        store.token_spend.add(interview_id, 900)
        store.save_grade(interview_id, grade, usage_seq=1)
        store.token_spend.spent(interview_id)  # before asking
        store.token_spend.add(interview_id, 300)
        store.add_turn(interview_id, 2, Turn("interviewer", "follow_up", "q1", "Why?"))
    store.leases.release(lease, holder)
    store.mark_seen(interview_id, 2)  # the response shows the new turn


def measure(target: str, interviews: int) -> tuple[float, float]:
    """(CPU ms, wall ms) per turn over `interviews` interviews."""
    store = Store(target)
    try:
        plan = Plan("full", None, None, ("q1", "q2"), "senior")
        ids = [store.create(plan, "bench") for _ in range(interviews)]
        for interview_id in ids:
            store.add_turn(interview_id, 0, Turn("interviewer", "question", "q1", "Q?"))
        grade = AnswerGrade(question_id="q1", criteria=[], grader="bench")
        cpu, wall = time.thread_time(), time.perf_counter()
        for interview_id in ids:
            one_turn(store, interview_id, grade)
        return ((time.thread_time() - cpu) * 1000 / interviews,
                (time.perf_counter() - wall) * 1000 / interviews)
    finally:
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="sqlite", help="sqlite or a postgresql:// URL")
    parser.add_argument("--interviews", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, _database(args.db, Path(tmp)) as target:
        cpu, wall = measure(target, args.interviews)
    kind = "PostgreSQL" if args.db.startswith("postgres") else "SQLite"
    print("| db | interviews | CPU ms/turn | wall ms/turn |\n|---|---|---|---|")
    print(f"| {kind} | {args.interviews} | {cpu:.2f} | {wall:.2f} |")


if __name__ == "__main__":
    main()
