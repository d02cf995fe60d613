"""Random question draws with no staged case, for the tests that count turns.

A staged case (a question with a `twist`) asks its changed constraint as the first
follow-up, so an interview that draws one needs an extra answer before it moves on: a test
that draws at random and expects question 2 (or the close) after one answer fails whenever
it draws one, about 1 run in 15. Such tests take the `plain_draws` fixture (conftest.py);
tests about staged cases name them by id. Tests that run the app in another process cannot
be patched, so they draw from `NO_STAGED_TOPIC`, which `tests/test_plans.py` checks.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

from interviewer.engine import Plan
from interviewer.library import Library

NO_STAGED_TOPIC = "versioning"  # no question on this topic has a twist
MAX_REDRAWS = 200  # a plain draw comes about 14 times in 15: 200 misses mean a fixed draw


def is_staged(library: Library, plan: Plan) -> bool:
    return any(library.question(qid).twist for qid in plan.question_ids)


def without_staged_cases(plan_interview: Callable[..., Plan]) -> Callable[..., Plan]:
    """`plan_interview`, drawing again while the draw holds a staged case: every plan with
    none stays as likely as before. A question named by id is kept, staged or not."""
    signature = inspect.signature(plan_interview)

    def draw(library: Library, *args: object, **kwargs: object) -> Plan:
        named = signature.bind(library, *args, **kwargs).arguments.get("question_id")
        for _ in range(MAX_REDRAWS):
            plan = plan_interview(library, *args, **kwargs)
            if named is not None or not is_staged(library, plan):
                return plan
        raise AssertionError(f"every draw of {args} {kwargs} holds a staged case; name the "
                             "questions by id instead")

    return draw
