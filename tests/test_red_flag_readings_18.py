"""Red-flag readings after the eighteenth blind set: an incident a practice caused judges it
("every few months a flag change without review caused an incident" is the problem the story
sets out to fix). The pair: words that are no plan, and the same harm as the candidate's plan,
which must still raise the flag."""

from __future__ import annotations

RETIRED_BUILD = "iam-retired-own-build-story"

# (question, flag, words that are no plan, the same harm as the candidate's plan)
READINGS_18 = [
    # the incidents a practice caused judge it (h18p2-037)
    (RETIRED_BUILD, "no-safety-net",
     "About 70 services used it, it had no audit log, and every few months a flag change "
     "without review caused an incident - three in one year.",
     "I decided flag changes would go out without a review, so teams could move fast."),
]
