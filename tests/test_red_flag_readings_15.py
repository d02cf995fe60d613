"""Red-flag readings after the fifteenth blind set: "one Friday evening" is a time, not a
change made without notice, unless the candidate changes something in it; and an option under
a "Rejected:" label is turned down. Each reading comes as a pair: words that are no plan, and
the same harm as the candidate's plan, which must still raise the flag."""

from __future__ import annotations

OUTAGE = "iam-sign-in-dependency-outage-story"

# (question, flag, words that are no plan, the same harm as the candidate's plan)
READINGS_15 = [
    # a story's time opener changes nothing (h15p3-054, h15p3-062)
    (OUTAGE, "changed-without-notice",
     "One Friday evening our only SMS provider had a routing failure with two of the big UK "
     "carriers.",
     "So one Friday evening we applied a quota to every namespace at 50% of what each team had "
     "requested."),
    # an option under a "Rejected:" label is refused, with its cost after the dash (h15p3-065)
    (OUTAGE, "switched-off-second-factor-in-outage",
     "Rejected: letting that tenant's users in via email link during the outage - it would "
     "bypass their MFA and offboarding policy.",
     "Decision: we bypassed MFA during the outage for everyone, no code check."),
]
