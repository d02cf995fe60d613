"""Red-flag readings after the twenty-first blind set: an option after "whereas" is the one
the plan is set against; and a label that sets two options side by side ("Log every allow in
full vs sample: ...") lays out a comparison, not an order. Each pair: words that are no
plan, and the same harm as the candidate's plan, which must still raise the flag."""

from __future__ import annotations

PLANNERS = "api-ai-trip-planners-look-to-book"
DENIALS = "iam-authz-denials-explained"

# (question, flag, words that are no plan, the same harm as the candidate's plan)
READINGS_21 = [
    # the option after "whereas" is set against the plan (h21p1-010)
    (PLANNERS, "limits-without-notice",
     "I'd pick limits and charging, since we can change them any day, whereas cutting them off "
     "burns the relationship for good.",
     "We cut them off tomorrow, with no warning to the planner."),
    # "X vs Y:" lays out two options (h21p3-055)
    (DENIALS, "personal-data-exposed",
     "Log every allow in full vs sample: full costs a lot of storage for little value; sample "
     "allows and keep all denials.",
     "We log every decision in full, with the user's email and groups."),
]
