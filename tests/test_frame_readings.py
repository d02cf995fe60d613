"""How a red flag's frame is read, from the false alarms blind-written question frames raised
on the twelfth set: one word cannot fill two parts of a frame, a frame whose clause says what
would have happened is a path not taken, what "we" do right after a diagnosis is the state of
things found, and a number's comma does not end a clause. Each reading comes as a pair: words
that are no plan, and the same harm as the candidate's plan, which must still raise the flag."""

from __future__ import annotations

from tests.question_flags import flags_raised

DATASET = "data-shared-dataset-design-story"
BACKEND = "api-backend-replaced-behind-api-story"
PROFILES = "data-cdp-profiles-merge-different-people"
BOT = "idp-dependency-bot-auto-merge-request"

# (question, flag, words that are no plan, the same harm as the candidate's plan)
FRAME_READINGS = [
    # "each" once filled both "every" and, through its kin, "everyone" (h12p2-029, h12p2-032)
    (DATASET, "shared-every-personal-field-story",
     "I wrote down what each column meant, its units and which clock it used.",
     "We copied every column from the CRM and gave everyone access to it."),
    # the subject of a counterfactual comes before its "would have" (h12p1-001)
    (BACKEND, "big-bang-backend-switch-story",
     "I showed him the diff results - a big bang would have shipped the rounding bug to every "
     "customer at once - and we agreed on phases with a hard stop date for dual running.",
     "We did one big-bang cutover for every customer."),
    # after "the cause is ...:", "we join" is the rule found, not the plan (h12p1-029)
    (PROFILES, "joins-shoppers-on-any-shared-identifier",
     "The cause is our rule, not the brand's data: we join records whenever they share "
     "anything, then keep joining whatever those link to.",
     "The cause is the store phone number, so we keep merging profiles whenever any "
     "identifier matches."),
]



def test_a_number_with_a_comma_stays_in_its_clause() -> None:
    """"3,000" ended a clause at its comma, so the act and its scope fell apart."""
    plan = "The bot will merge the 11,000 pull requests even when CI is red."
    assert "bot-merges-every-update-everywhere" in flags_raised(BOT, plan)


def test_parts_that_share_an_edge_word_still_match() -> None:
    """"turn it on this Monday" is both "turn on" and "on monday" (h3p3-024 kept its hit)."""
    plan = ("So I'd do a hard cap of two concurrent queries per user and turn it on this "
            "Monday, no need to make a big announcement.")
    assert "limits-without-notice" in flags_raised("data-bi-query-limits", plan)
