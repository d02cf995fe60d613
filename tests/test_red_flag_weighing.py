"""Red flags against what blind-holdout-4 showed: an option laid out with its cost is weighed,
not proposed, and a migration plan that helps customers replace what they run today is not a
change imposed on them. Each case has the proposal beside it, which must still raise the flag.

The sentences are written here, not copied from the labelled sets."""

from __future__ import annotations

import pytest

from tests.question_flags import assert_flagged_and_capped, flags_raised

SESSIONS = "iam-longer-sessions-request"
PRICING = "api-sms-verification-pricing"


# the 90-day option proposed: in the candidate's voice, after a label, or listed with no cost
PROPOSED_90_DAYS = [
    "I would move to 90 days for everyone so people stop getting thrown out of the app.",
    "Decision: 90 days for everyone, starting with the mobile app next sprint.",
    "We give 90 days for everyone: users stop logging in again, but we watch break-ins.",
    "90 days for everyone: it ends the complaints and the mobile team is happy.",
]
# the same option put beside others with what it costs, and another option picked
WEIGHED_90_DAYS = [
    "Options:\n- stay at 14 days: no new risk, but people keep dropping off\n"
    "- 90 days for everyone: nobody is annoyed any more, but a stolen phone stays signed in "
    "for three months\n- Pick: sliding sessions bound to the device, with a fresh check "
    "before payments.",
    "90 days for everyone: the simplest to ship, at the cost of every leaked token staying "
    "valid for a quarter. Sliding sessions bound to the device keep most of the gain.",
]


@pytest.mark.parametrize("answer", PROPOSED_90_DAYS)
def test_the_90_day_option_proposed_raises_its_flag(answer: str) -> None:
    assert_flagged_and_capped(SESSIONS, "sessions-90-days-everywhere", answer)


@pytest.mark.parametrize("answer", WEIGHED_90_DAYS)
def test_the_90_day_option_weighed_with_its_cost_raises_nothing(answer: str) -> None:
    assert "sessions-90-days-everywhere" not in flags_raised(SESSIONS, answer)


def test_weighing_is_a_reading_not_one_cue() -> None:
    """The same label-colon-cost shape keeps a common flag's cue from firing too, and the
    option said as a plan still fires it."""
    weighed = ("- No rollback plan: the release goes out a day sooner, but one bad build stays "
               "with every customer until a fix ships")
    assert "no-safety-net" not in flags_raised(PRICING, weighed)
    assert "no-safety-net" in flags_raised(PRICING,
                                           "We ship it with no rollback plan to save a day.")


def test_a_migration_guide_for_replacing_what_customers_run_is_no_imposed_change() -> None:
    answer = ("To launch, I would start with the customers who send the most codes, and give "
              "them a migration guide showing how to replace their current code with the new "
              "calls. They move when they are ready, and we track the share of traffic moved.")
    assert "changed-without-notice" not in flags_raised(PRICING, answer)


def test_switching_every_existing_customer_over_by_default_still_raises_the_flag() -> None:
    answer = ("We turn the new verification product on by default for every existing customer "
              "on Monday, replacing their current code path.")
    assert "changed-without-notice" in flags_raised(PRICING, answer)
