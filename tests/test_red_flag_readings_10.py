"""Readings of a red flag's cue that is not the candidate's plan, found on the tenth blind set:
someone else's wish ("leadership might want us to ..."), one option of a numbered list laid
out with its cost, a bare "No exceptions." after a rule of the system rather than a mandate,
and keeping the same version for a change that redefines nothing. Each comes with the same
words said as the candidate's plan, which must still raise the flag."""

from __future__ import annotations

import pytest

from tests.question_flags import flags_raised

GATEWAY = "ml-llm-gateway-prompt-logging"
LAKEHOUSE = "data-logistics-lakehouse-mandate"
CONSENT = "api-insurance-quote-consent-field"

# (question, flag, a sentence that is not a plan, the same harm as the candidate's plan)
READINGS_10 = [
    # someone else's wish, weighed
    (GATEWAY, "personal-data-exposed",
     "Trade-off - the support leads might want us to log every prompt for a month.",
     "Trade-off - we log every prompt for a month."),
    # one option of a numbered list, laid out with its cost
    (GATEWAY, "personal-data-exposed",
     "Three: keep everything forever - that is a lot of customer text, and you can't delete "
     "anyone who asks.",
     "Three: keep everything forever, so the model team has it all."),
    (GATEWAY, "personal-data-exposed",
     "Two: log every prompt - easiest to debug, but every agent can read customer text.",
     "Two: log every prompt for a month, so support can debug."),
    # a bare "No exceptions." after a rule of the system, not a mandate on anyone
    (LAKEHOUSE, "forced-by-mandate",
     "Expired token -> 401. No exceptions.",
     "Every team has to be on the lakehouse in March. No exceptions."),
    # the same version kept for a change that redefines nothing
    (CONSENT, "breaking-change-in-place",
     "We keep the same version, since a new version would not spare anyone the new rule.",
     "We keep the same version and redefine the price field as a monthly price."),
]


@pytest.mark.parametrize(("question_id", "flag", "not_a_plan", "plan"), READINGS_10)
def test_a_cue_that_is_not_the_candidates_plan_raises_nothing(
        question_id: str, flag: str, not_a_plan: str, plan: str) -> None:
    assert flag not in flags_raised(question_id, not_a_plan)


@pytest.mark.parametrize(("question_id", "flag", "not_a_plan", "plan"), READINGS_10)
def test_the_same_harm_as_the_candidates_plan_still_raises_it(
        question_id: str, flag: str, not_a_plan: str, plan: str) -> None:
    assert flag in flags_raised(question_id, plan)


def test_a_bare_no_exceptions_after_a_mandate_is_one() -> None:
    """After a sentence that tells teams what they must do, a bare "No exceptions." keeps it."""
    assert "forced-by-mandate" in flags_raised(
        LAKEHOUSE, "We switch off the old warehouse in March. No exceptions.")
