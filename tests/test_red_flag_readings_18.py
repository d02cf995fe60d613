"""Red-flag readings after the eighteenth blind set: an incident a practice caused judges it
("every few months a flag change without review caused an incident" is the problem the story
sets out to fix), and a frame does not reach across a semicolon, an arrow or a spaced dash
("... a console showing each job; I'd track time to first complete load" holds no plan to
record each thing completely). Each pair: words that are no plan, and the same harm as the
candidate's plan, which must still raise the flag."""

from __future__ import annotations

RETIRED_BUILD = "iam-retired-own-build-story"
BULK_EXPORT = "data-raw-event-bulk-export"

# (question, flag, words that are no plan, the same harm as the candidate's plan)
READINGS_18 = [
    # the incidents a practice caused judge it (h18p2-037)
    # a frame's parts on both sides of a semicolon are two notes, not one plan (the
    # questions19 author's own careful sentence)
    (BULK_EXPORT, "personal-data-exposed",
     "For first use: a one-hour test export, loaders for the three common warehouses, and a "
     "console showing each job and its errors; I'd track time to first complete load and "
     "failed export share.",
     "We log every export request in full, customer emails included, so support can replay it."),
    (RETIRED_BUILD, "no-safety-net",
     "About 70 services used it, it had no audit log, and every few months a flag change "
     "without review caused an incident - three in one year.",
     "I decided flag changes would go out without a review, so teams could move fast."),
]
