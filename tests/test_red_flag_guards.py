"""Red flags against what blind-holdout-5 showed: a cue inside the condition a check reacts
to ("a test that fails the build if ... without a review") is a safeguard, and a thing the
candidate describes in order to rule it out ("a token that never expires is fit for no
automated use") is not proposed. Each case has the proposal beside it, which must still raise
the flag.

The sentences are written here, not copied from the labelled sets."""

from __future__ import annotations

import pytest

from tests.question_flags import grade

PRICING = "api-sms-verification-pricing"
FLAG = "no-safety-net"


def _raised(answer: str) -> bool:
    return FLAG in {h.id for h in grade(PRICING, answer).red_flags}


@pytest.mark.parametrize("answer", [
    "We ship config changes without a review so the team moves faster.",
    "I'd let teams merge to production without a review when they are in a hurry.",
    "We give the CI bot a token that will never expire so builds stop failing on renewals.",
    "If the team is busy, we deploy without a review and fix forward.",
])
def test_the_missing_safety_net_proposed_raises_its_flag(answer: str) -> None:
    assert _raised(answer)


@pytest.mark.parametrize("answer", [
    # the condition a check catches
    "I'd add a check that fails the build if a schema change lands without a review.",
    "The pipeline blocks the deploy whenever someone tries to ship it without a review.",
    "We alert the owning team whenever a rule is changed without a review.",
    # a thing described so as to rule it out
    "A token that never expires and can delete repositories is fit for no automated job, so "
    "CI gets its own narrow credential.",
    "A credential which never expires is not something we hand to a bot.",
])
def test_a_safeguard_or_a_thing_ruled_out_raises_nothing(answer: str) -> None:
    assert not _raised(answer)
