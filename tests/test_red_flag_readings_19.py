"""Red-flag readings after the eighteenth and nineteenth blind sets: a cue that opens on a
count of one ("a week's notice") does not match a larger count ("three weeks' notice"); a
cue that names one thing with an article ("in the next release") does not match where the
answer puts a quantifier in its place ("in each product's next release"); and a frame's
part right after a form of "be" ("the time each report was complete") names a state, not
how the act is done. Each pair: words that are no plan, and the same harm as the
candidate's plan, which must still raise the flag."""

from __future__ import annotations

RESTATED = "data-restated-history-story"
ACQUIRED = "api-acquired-apis-one-platform"
NIGHTLY = "data-nightly-run-creeps-to-deadline"

# (question, flag, words that are no plan, the same harm as the candidate's plan)
READINGS_19 = [
    # a larger count than the cue's "a" is another plan (h19p2-016)
    (RESTATED, "short-notice-removal",
     "We gave the analysts six weeks' notice with the date and a short guide to comparing "
     "old and new figures.",
     "We gave the analysts a week's notice and then dropped the old figures."),
    (RESTATED, "short-notice-removal",
     "Teams had 12 weeks notice before the old table went read-only.",
     "Teams had a week's notice before the old table went away."),
    # each owner's own release is not one change for everyone (h19p2-009)
    (ACQUIRED, "changed-without-notice",
     "Then one shared error format and paging style, arriving in each product's next "
     "release, with the old ones kept working.",
     "We switch every product to the new error format in the next release."),
    # "was complete" is the state of a report, not recording everything in full (h19p3-020)
    (NIGHTLY, "personal-data-exposed",
     "I had the team record, every morning, the time each of the store reports was complete, "
     "and we agreed a target with the store managers.",
     "I had the team record every query in full, with the customer names, so we can replay "
     "the run."),
]
