"""Red-flag readings after the sixteenth blind set: a frame's first part right after a
quantifier, or after an ordinal that follows a determiner, names things ("every store and
region", "the first migration"), and a cue in a clause that describes a thing by what "they"
do with it ("a patch bump they'll take without a review meeting") is no plan. Each reading
comes as a pair: words that are no plan, and the same harm as the candidate's plan, which must
still raise the flag."""

from __future__ import annotations

MERGER = "data-merger-two-warehouses"
FEEDS = "data-customer-feed-delivery-health"
CLIENT = "idp-client-library-old-majors-ca"

# (question, flag, words that are no plan, the same harm as the candidate's plan)
READINGS_16 = [
    # "the first migration" is an ordinal on a noun, not "migrate ... first" (h16p1-028)
    (MERGER, "lift-and-shift-everything-first",
     "We build a SQL translation tool and a dashboard-porting script, and our engineers do the "
     "first migration with each analytics team alongside them.",
     "We migrate every dashboard one for one before the financials, and clean up afterwards."),
    # "every store and region" names the shops a feed covers, not storing everything (h16p2-031,
    # h16p2-040)
    (FEEDS, "personal-data-exposed",
     "I'd check that the delivery is complete - every store and region the customer should "
     "receive is present.",
     "I'd store every customer file in full, names and card numbers included, so we can debug."),
    # what "they" do with a patch release is no plan to skip review (h16p3-025)
    (CLIENT, "no-safety-net",
     "Semver's the right tool here because that's how teams already decide whether an upgrade "
     "is safe - a patch bump they'll take without a review meeting.",
     "We ship it without a review, straight to every service, to hit the date."),
]
