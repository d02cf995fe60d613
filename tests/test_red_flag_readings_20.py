"""Red-flag readings after the twentieth blind set: a label that marks what follows as costly
to undo ("Not cheap: ...", "Hard to reverse: ...") lists options weighed, as a "Rejected:"
label does; and a clause that opens on "and" right after a condition's clause is a second
condition ("If we offer X, and all of those codes moved tomorrow, revenue would fall"). Each
pair: words that are no plan, and the same harm as the candidate's plan, which must still
raise the flag."""

from __future__ import annotations

ARM = "idp-arm-ci-runners-default"
WHATSAPP = "api-whatsapp-codes-vs-sms-revenue"

# (question, flag, words that are no plan, the same harm as the candidate's plan)
READINGS_20 = [
    # a reversibility list: what is costly to undo is named, not done (h20p2-023)
    (ARM, "irreversible-without-exit",
     "Not cheap: scrapping the x86 machines or signing a three-year ARM deal.",
     "We sign a three-year ARM deal this month to lock in the discount."),
    (ARM, "irreversible-without-exit",
     "Costly to undo: scrapping the x86 machines or signing a three-year ARM deal.",
     "We sign a three-year ARM deal this month to lock in the discount."),
    # a second condition after "If ..., and ..." (h20p3-001)
    (WHATSAPP, "changed-without-notice",
     "If we priced WhatsApp like SMS, and every one of those codes moved tomorrow, our margin "
     "would drop by half.",
     "We move all of those codes to WhatsApp tomorrow, and revenue will fall."),
]
