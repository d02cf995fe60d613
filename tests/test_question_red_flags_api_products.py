"""Red flags written on api-products questions: a sentence proposing the question's own harm
raises its flag through the offline grader, and a sentence rejecting the same harm does not.
The flags live in prompts/questions/api-products.yaml, so a cue edited there that stops
catching the harm, or starts catching the warning, fails here."""

from __future__ import annotations

import pytest

from tests.question_flags import (
    assert_area_flags,
    assert_flagged_and_capped,
    capped_criteria,
    own_flag,
    own_flags_raised,
)

AREA = "api-products"

# (question id, flag id, a sentence proposing the harm, a sentence rejecting it)
CASES = [
    ("api-payments-create-idempotency", "trusts-phone-for-payment-outcome",
     "Once the customer confirms, the app tells us the payment succeeded and we mark the "
     "order as paid.",
     "We would never let the app report that the payment succeeded; the merchant's server "
     "checks the status endpoint and the signed event instead."),
    ("api-amount-units-breaking-change", "reads-rupees-as-paise",
     "On the first of next month we switch the existing amount field to paise and email "
     "every merchant about it.",
     "We must not start reading the amount as paise; a new amount_paise field ships next "
     "to the old one."),
    ("api-flash-sale-retry-storm", "absorbs-storm-with-capacity",
     "For the next hour I would just add more servers and let their retries go through.",
     "Rather than throw more servers at it, I would shed their duplicate retries."),
    ("api-refund-spec-critique", "live-key-left-in-url",
     "The key in the query string is fine for now, so I would start with the GET verb.",
     "Nobody should keep the key in the URL: it moves to an authorisation header."),
    ("api-upi-payment-flow-explained", "browser-redirect-as-proof",
     "The merchant can ship the order when the customer returns to their site.",
     "The merchant should not ship the order when the customer returns; it waits for "
     "the final status event."),
    ("api-ledger-balance-consistency", "payout-from-stale-balance",
     "During a split we pay out from the local copy so marketplaces are never blocked.",
     "We never pay out from the local copy; payouts reserve funds in the primary region."),
    ("api-card-data-pci-scope", "merchant-side-encryption",
     "The simplest fix is to ask merchants to encrypt the card numbers before they call us.",
     "Instead of asking merchants to encrypt the card numbers, hosted fields keep them off "
     "merchant servers entirely."),
    ("api-webhook-delivery-redesign", "promises-ordered-unique-events",
     "From now on we will guarantee events arrive in order for every endpoint.",
     "We never guarantee events arrive in order; each event carries the object's version."),
    ("api-sms-tiered-rate-limits", "trials-send-like-paid",
     "Trial accounts get the same limits as pay-as-you-go so they can evaluate fully.",
     "Trial accounts get a far lower cap and can only text verified numbers."),
    ("api-bulk-messaging-architecture", "sends-inside-the-request",
     "The handler will loop over the messages in the request and send each one.",
     "Rather than loop over the messages in the request, we store a job and return its id."),
    ("api-explain-429-to-developer", "raises-limit-for-everyone",
     "I'd raise the limit for everyone so nobody hits it again.",
     "I would not raise the limit for everyone; this account can ask for more."),
    ("api-upi-success-rate-staged", "keeps-collect-plan-after-notice",
     "After the notice I would keep the original plan and keep improving collect.",
     "After the notice I would not keep the original plan; collect work stops."),
]



@pytest.mark.parametrize(("question_id", "flag_id", "proposes", "rejects"), CASES,
                         ids=[c[1] for c in CASES])
def test_proposing_the_harm_raises_the_question_flag(question_id: str, flag_id: str,
                                                     proposes: str, rejects: str) -> None:
    grade = assert_flagged_and_capped(question_id, flag_id, proposes)
    # and the scorecard says so beside each criterion it caps
    flag = own_flag(question_id, flag_id)
    assert all("Red flag" in g.feedback for g in capped_criteria(question_id, grade, flag))


@pytest.mark.parametrize(("question_id", "flag_id", "proposes", "rejects"), CASES,
                         ids=[c[1] for c in CASES])
def test_rejecting_the_harm_raises_nothing(question_id: str, flag_id: str,
                                           proposes: str, rejects: str) -> None:
    assert flag_id not in own_flags_raised(question_id, rejects)


def test_every_api_products_question_names_its_own_flags() -> None:
    assert_area_flags(AREA)
