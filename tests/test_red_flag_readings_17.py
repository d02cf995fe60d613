"""Red-flag readings after the seventeenth blind set: a cue that opens right after "without"
is what the plan leaves out ("see where it died - without logging the link token"), what
follows "found" as a past state ("the privacy team found we were putting ...") is the problem
found, and a label that opens by comparing ("Compare with keep building everything: ...")
names an option weighed, not an order. Each reading comes as a pair: words that are no plan,
and the same harm as the candidate's plan, which must still raise the flag."""

from __future__ import annotations

MAGIC_LINK = "iam-magic-link-completion-drop"
VENDOR = "data-vendor-ships-quality-monitoring"
TOKEN_STORY = "iam-token-contents-story"

# (question, flag, words that are no plan, the same harm as the candidate's plan)
READINGS_17 = [
    # what the plan leaves out after "without" is no plan to do it (h17p1-054)
    (MAGIC_LINK, "personal-data-exposed",
     "Every link carries an attempt id, so support can look up one customer's attempt and see "
     "where it died - without logging the link token or full email address; we store a hash "
     "of the address only.",
     "For every attempt I'd log the full email address and the link token, so support can "
     "look anyone up."),
    (MAGIC_LINK, "secrets-in-logs",
     "Every link carries an attempt id through send and click, so support can see where it "
     "died - without logging the link token.",
     "We log the token with each attempt so support can replay a sign-in."),
    # an option weighed after "Compare with" and a colon is no order (h17p3-032)
    (VENDOR, "personal-data-exposed",
     "Compare with keep building everything: we have full control, but nine people maintain "
     "generic checks forever and cannot do other work.",
     "We keep everything forever, every raw event and payload, so nothing is ever lost."),
    # a past state after "found", "that" left out, is the problem found (h17p3-055)
    (TOKEN_STORY, "any-team-adds-token-fields",
     "It started with a GDPR review: the privacy team found we were putting email, phone and "
     "date of birth in the token, and tokens end up in logs everywhere.",
     "We put the date of birth in the token so that no service ever has to call us."),
]
