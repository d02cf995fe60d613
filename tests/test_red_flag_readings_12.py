"""Red-flag readings after the twelfth blind set: what a condition leaves behind ("once we
signed, there was no going back") is the one-way door named, wherever the condition stands in
the clause before, and a "second" review of the same thing sent again is a repeat refused, not
a reviewer left out. Each reading comes as a pair: words that are no plan, and the same harm as
the candidate's plan, which must still raise the flag."""

from __future__ import annotations

from tests.question_flags import flags_raised

ESIGN = "api-esign-eu-data-residency"
REVIEW = "ml-human-review-service-api"

# (question, flag, words that are no plan, the same harm as the candidate's plan)
READINGS_12 = [
    # what a condition in the clause before leaves: no one acts in "there was no going back",
    # and the candidate may be the condition's own subject (h12p2-007)
    (ESIGN, "irreversible-without-exit",
     "The thing that bit us was that once we signed the contracts, there was no going back.",
     "Once the pilot ends we sign the contracts, and there is no going back."),
    (ESIGN, "no-safety-net",
     "Once we sign contracts promising EU storage, there is no going back.",
     "We sign contracts promising EU storage this month, there is no going back."),
    # a "second" review of the same thing sent again is the repeat refused, a safeguard; a
    # second reviewer left out of a change is still the harm (h12p3-042)
    (REVIEW, "no-safety-net",
     "The same item sent again returns the existing item, no second review.",
     "A new task type goes live with one approval, no second review."),
]

JOBS = "idp-scheduled-jobs-service-contract"


def test_a_value_with_no_fallback_is_no_missing_safety_net() -> None:
    """A fallback is also a default value: a time zone every job must state, "with no
    fallback", is a stricter contract (h12p3-015). A fallback to something, or a fallback path,
    plan or option left out, is still a way back removed."""
    assert "no-safety-net" not in flags_raised(
        JOBS, "Every job states which city's clock it runs on, with no fallback.")
    for plan in ["We switch the old servers off the week a team moves, with no fallback to "
                 "them.",
                 "We move every job over in one weekend with no fallback plan.",
                 "Jobs call the new service with no timeout fallback."]:
        assert "no-safety-net" in flags_raised(JOBS, plan), plan

