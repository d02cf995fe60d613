"""Red-flag readings after the fourteenth blind set: "in one quarter" is a time, not a forced
move, unless someone is made to move in it; a plan that "would ruin" something is judged, not
proposed; a cue among options listed after a colon that introduces them ("four options:
...") is one option laid out, not the plan; a contrast a frame names itself ("rather than
rejecting") does not set the frame aside; and "full stop" after a mandate insists on it. Each
reading comes as a pair: words that are no plan, and the same harm as the candidate's plan,
which must still raise the flag."""

from __future__ import annotations

STORY = "iam-competing-identity-requests-story"
DORA = "idp-dora-team-leaderboard"
CLOSE = "data-closed-month-late-corrections"
WEBHOOK = "api-webhook-signature-scheme-upgrade"
KEYS = "iam-signing-key-rotation-broke-services"

# (question, flag, words that are no plan, the same harm as the candidate's plan)
READINGS_14 = [
    # a time phrase that opens a story forces nobody (h14p3-001, h14p3-009, h14p3-042)
    (STORY, "forced-migration",
     "In one quarter, four requests landed on us: sales needed single sign-on, security "
     "needed audit logs and another team wanted passkeys.",
     "I told them every team has to move to the new sign-in in one quarter, no exceptions."),
    # what a plan "would ruin" is judged, not proposed (h14p1-023)
    (DORA, "platform-metrics-in-performance-reviews",
     "A monthly public ranking used in performance reviews would probably ruin the numbers "
     "we need for that.",
     "I'd use the numbers in performance reviews, so teams take them seriously."),
    # one of several options listed after "four options:" (h14p1-032)
    # a contrast the frame itself names ("+ rather than rejecting") is the plan's own, not an
    # option set against it; one before the frame still sets it aside (h14p1-011)
    (WEBHOOK, "skip-verification-during-switch",
     "We rejected every bad webhook rather than having merchants log signature mismatches "
     "but accept the webhook.",
     "During the window we asked merchants to switch their verification into log-only mode - "
     "accept every webhook, log whether the signature matched, and alert themselves on "
     "mismatches rather than rejecting."),
    # "full stop" insists on a mandate; its "stop" negates nothing, while "stop" elsewhere
    # still does (h14p1-063)
    (KEYS, "forced-by-mandate",
     "We stop short of a mandate with no exceptions, because the stragglers need help.",
     "Three weeks before, we publish a mandate from the CISO: all services must refresh keys "
     "dynamically by rotation day, full stop, no exceptions."),
    (CLOSE, "discards-late-corrections",
     "I put four options in front of the controller and the head of analytics: freeze and "
     "ignore late items, keep recomputing, snapshot-plus-current, or post late items as "
     "adjustments in the open month.",
     "I put four options in front of the controller and I'd go with the first: freeze and "
     "ignore late items."),
]
