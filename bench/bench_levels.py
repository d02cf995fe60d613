"""What the target level changes for the offline grader: one answer, graded at each level.

Prints, per question and target level, the outline's length, the overall score and how many
outline points the answer missed. Run: `.venv/bin/python bench/bench_levels.py`.
"""

from __future__ import annotations

from interviewer.engine import Plan, State, Turn, grade_request
from interviewer.library import default_library
from interviewer.offline import grade_answer

ANSWERS = {
    "api-payments-create-idempotency": (
        "I would start with the merchant developers and their jobs: create, capture, refund and "
        "check status. Every write takes an idempotency key; we store the first result for 24 "
        "hours and replay it on a retry, and we bind the key to a hash of the request so the "
        "same key with a different amount is rejected with a clear error. Two identical "
        "requests at once take a lock on the key, so only one charge happens. Capture should "
        "move from the phone to the merchant's server, because a phone on 3G cannot be trusted "
        "to say whether money moved. UPI completes asynchronously, so the payment sits in "
        "pending and the merchant learns the result from a signed event or the status "
        "endpoint. Errors carry stable codes that separate a declined card, a bad request and "
        "our own fault. I would measure double-charge complaints, which should fall from 40 a "
        "week to near zero."),
    "data-warehouse-workload-isolation": (
        "First I would find out which workloads collided: ad-hoc analyst queries, the backfill "
        "and the finance reports. The warehouse can run separate compute pools against the "
        "same data, so I would give finance reporting its own pool with reserved capacity, put "
        "backfills on a scheduled pool that runs at night, and give analysts a pool with a "
        "concurrency cap and per-query timeouts. Each team sees its own cost and queue time. I "
        "would set an objective that finance reports finish by 7 a.m., alert at 6 if they are "
        "behind, and track how often the deadline is missed, which should be never."),
}


def main() -> None:
    library = default_library()
    print(f"| {'question':40} | written | target | outline | overall | missed |")
    print(f"|{'-' * 42}|---------|--------|---------|---------|--------|")
    for qid, answer in ANSWERS.items():
        q = library.question(qid)
        for level in ("pm", "senior", "staff"):
            turns = [Turn("interviewer", "question", qid, q.text),
                     Turn("candidate", "answer", qid, answer)]
            state = State(Plan("single", q.area, q.topic, (qid,), level), turns)
            request = grade_request(state, qid, library)
            grade = grade_answer(request)
            print(f"| {qid:40} | {q.level:7} | {level:6} | {len(request.strong_answer):7} | "
                  f"{grade.overall:7.2f} | {len(grade.missed):6} |")


if __name__ == "__main__":
    main()
