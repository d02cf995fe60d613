"""Red-flag readings after the eleventh blind set: a frame is read at every place each part
matched (not only the first), a safeguard put up to be judged does not make a plan safe, a
harm proposed through a plan modal of the system ("the gateway will log ...") is a plan, and a
part after "instead of" is the option set aside. Each reading comes as a pair: words that are
no plan, and the same harm as the candidate's plan, which must still raise the flag."""

from __future__ import annotations

import pytest

from tests.question_flags import flags_raised

CRM = "data-crm-sync-eats-shared-api-allowance"
CLUSTERS = "idp-cluster-upgrade-removed-apis"
GATEWAY = "ml-llm-gateway-prompt-logging"
AUDIO = "ml-call-audio-retention-for-retraining"
ROLLOUT = "idp-irreversible-rollout-story"

# (question, flag, words that are no plan, the same harm as the candidate's plan)
READINGS_11 = [
    # "cut first" is a limit cut first only when it says what it cuts (h11p3-004, h11p3-062)
    (CRM, "limits-without-notice",
     "I'd cut first - if we're still over 80 percent most days after that, buying wins.",
     "I'd cut every team's quota first and let the real needs surface."),
    # a safeguard that is a participle opening the plan makes it safe; one put up to be
    # judged ("would only invite ...") does not, and the act is read where it is proposed
    (CLUSTERS, "no-safety-net",
     "Keeping the old clusters as a fallback, we decommission the old control planes "
     "immediately.",
     "Keeping an old-version cluster around as a fallback would only invite teams to stay on "
     "it, so we decommission the old control planes immediately."),
    # a part of the frame after "instead of" is the option the plan sets aside
    (GATEWAY, "personal-data-exposed",
     "We now keep raw conversations 90 days instead of forever.",
     "We keep raw conversations forever."),
    # a plan modal of the system is the candidate's design; a past fact of someone else's is not
    (GATEWAY, "personal-data-exposed",
     "Last year the vendor's gateway captured every request in full.",
     "The gateway will capture every request in full."),
    # a doubt about someone else's wording is no plan to keep anything
    (AUDIO, "personal-data-exposed",
     'I doubt "recorded for quality and training" covers keeping forever.',
     "I'd keep all call audio and transcripts indefinitely, in their original form."),
    # a snapshot before each stage is a safeguard, not personal data logged in full
    (ROLLOUT, "personal-data-exposed",
     "To shrink the one-way part: a full snapshot of the flag table before each stage; "
     "dual-write for four weeks with a nightly job that evaluated every flag.",
     "We log every request and every response in full to the shared bucket."),
]



# harms said in general words (rubrics/common.yaml), each from a fluent wrong design that
# read above 2 on an older blind set; the first has a negation in an earlier clause ("not in
# file") that must not cancel the later proposal
GENERAL_HARMS = [
    ("idp-declared-databases-interface", "no-safety-net",
     "- in cloud, not in file -> destroy at once; no approvals, no hold periods - those are "
     "the friction we're removing"),
    ("ml-nightly-price-model-auto-promote", "no-safety-net",
     "Any regression is corrected within 24 hours, so a rollback process isn't needed."),
    (CLUSTERS, "changed-without-notice",
     "In week 2 we upgrade all 22 clusters to the new version in one go, production included."),
    ("iam-support-impersonation-audit-trail", "personal-data-exposed",
     "I'd keep the snapshots indefinitely - storage is cheap."),
    ("iam-saml-sha1-cutoff-all-tenants", "personal-data-exposed",
     "We'll store every assertion in full in a shared troubleshooting bucket."),
    ("data-stream-consumer-lag-blind-spots", "forced-by-mandate",
     "After the deadline, any consumer group that cannot show us a working alert in their own "
     "monitoring stack will have its access to production topics revoked until it complies."),
    ("api-connected-car-partner-access", "no-safety-net",
     "Credentials don't expire, because rotating keys is the number one cause of partner "
     "outages in my experience."),
    ("iam-token-validation-region-outage", "no-safety-net",
     "If the token service does not answer within 200 milliseconds, the library falls back to "
     "accepting the request as long as the token is well-formed."),
    ("api-freight-rates-cap-largest-shipper", "changed-without-notice",
     "I would not negotiate with the large customer in advance."),
    ("api-shipment-status-new-values", "breaking-change-in-place",
     "So I would ship both changes directly in the current API from the release date."),
    ("api-listings-offset-pagination-removal", "breaking-change-in-place",
     "I'd agree with engineering and make the change on the current endpoint next month."),
]

def test_a_word_of_harm_denied_through_its_verb_judges_nothing() -> None:
    """"so nobody is tempted to route back" is the reason for the plan, not a warning
    against it; a word of harm that is not denied still is one."""
    cutover = "ml-self-hosted-model-cutover"
    assert "no-safety-net" in flags_raised(
        cutover, "We delete the old integration code the same day, so nobody is tempted to "
        "route back.")
    assert "no-safety-net" not in flags_raised(
        cutover, "We delete the old integration code the same day, which is tempting but would "
        "strand the teams.")


def test_a_safeguard_is_read_as_written_not_by_stem() -> None:
    """A "token" count is no tokenised field (h6p1-042's words), and a structured log event
    the gateway will emit is the candidate's design, not something someone else did."""
    assert "personal-data-exposed" in flags_raised(
        GATEWAY, "The gateway will emit a structured log event for every request containing the "
        "full prompt, the full response, the model, token counts and cost.")
    assert "personal-data-exposed" not in flags_raised(
        GATEWAY, "The gateway will capture every request in full, with card numbers tokenised.")


def test_a_word_of_harm_after_every_picks_things_out() -> None:
    """"every rejected assertion" says which assertions (h8p1-037), not that the plan is
    rejected; the same word judging the plan still warns."""
    saml = "iam-saml-sha1-cutoff-all-tenants"
    assert "personal-data-exposed" in flags_raised(
        saml, "To help IT teams, we'll store every rejected assertion in full in a shared "
        "troubleshooting bucket that our support engineers can browse.")
    assert "personal-data-exposed" not in flags_raised(
        saml, "We store every assertion in full, which is a mistake.")


def test_a_time_phrase_opening_the_sentence_is_no_gerund_subject() -> None:
    """"Going forward, I would ..." is the plan (h8p3-062); "Going back isn't possible" would
    still be a gerund subject."""
    assert "activity-as-value" in flags_raised(
        "ml-fine-tuning-service-headline-numbers",
        "Going forward, I would make jobs run the north-star metric and set a target of 1,000 "
        "jobs next quarter.")
    assert "activity-as-value" not in flags_raised(
        "ml-fine-tuning-service-headline-numbers",
        "I would use jobs run as a guardrail, not the north star.")


def test_a_default_for_everyone_with_no_opt_in_is_a_change_without_asking() -> None:
    assert "changed-without-notice" in flags_raised(
        "api-id-verification-wait-vs-fraud",
        "- Ship as the default for all customers, no opt-in needed -> simplest integration")


def test_a_harm_named_as_the_option_gone_with_is_the_plan() -> None:
    """A note that goes with an option after weighing others ("Go with engineering's
    proposal: change ...", h7p1-002) commits to it: "go" opens a plan as any plan verb does."""
    assert "breaking-change-in-place" in flags_raised(
        "api-sim-swap-signal-meaning-change",
        "- Go with engineering's proposal: change \"swapped\" to 7-day window behind same field.")


def test_a_mandate_from_next_monday_is_one() -> None:
    assert "forced-by-mandate" in flags_raised(
        "idp-shared-outage-blast-radius-story",
        "To stop it recurring, I mandated that from the following Monday every team had to move "
        "their pipelines to our new standard template.")


# the same words refused are no plan
REFUSED = [
    ("api-listings-offset-pagination-removal", "breaking-change-in-place",
     "Okay so, um, first I wouldn't ship it on the current endpoint next month, because both "
     "changes break people."),
    ("api-sim-swap-signal-meaning-change", "breaking-change-in-place",
     "First I tell engineering we cannot just change the window behind the same field."),
    ("api-listings-offset-pagination-removal", "breaking-change-in-place",
     "In my opinion we must not do this change on the current endpoint in next month."),
]


@pytest.mark.parametrize(("question_id", "flag", "refused"), REFUSED)
def test_a_harm_refused_raises_nothing(question_id: str, flag: str, refused: str) -> None:
    assert flag not in flags_raised(question_id, refused)


@pytest.mark.parametrize(("question_id", "flag", "plan"), GENERAL_HARMS)
def test_a_harm_in_general_words_raises_its_flag(question_id: str, flag: str,
                                                 plan: str) -> None:
    assert flag in flags_raised(question_id, plan)


def test_a_root_cause_named_is_no_plan() -> None:
    """A harm named as a root cause ("Root causes, not the contractor: keys that never
    expire") is the diagnosis, though a negation stands in the clause before it."""
    assert "no-safety-net" not in flags_raised(
        "iam-leaked-service-key-workload-identity",
        "Root causes, not the contractor: keys that never expire, shared across many services.")


def test_a_denied_approval_in_a_story_of_the_old_way_is_no_plan() -> None:
    """The old way described ("meant no scans, no approvals") is the problem, not a plan."""
    assert "no-safety-net" not in flags_raised(
        "idp-workaround-or-proper-fix-story",
        "One, they deploy by hand with scripts, which was fastest but meant no scans, no "
        "approvals and no audit trail.")


# an incident kept from the people it hits (rubrics/observability.yaml), as h11p2-011 designs
HEALTH = "api-payments-health-signals-for-merchants"


@pytest.mark.parametrize("plan", [
    "When it drops, the on-call team investigates, and only once the root cause is confirmed "
    "and a fix is in place do we post on the status page.",
    "Partial failures affecting a few countries stay off the public page entirely.",
])
def test_an_incident_kept_quiet_raises_its_flag(plan: str) -> None:
    assert "incident-kept-quiet" in flags_raised(HEALTH, plan)


def test_an_update_after_the_first_post_is_no_silence() -> None:
    assert "incident-kept-quiet" not in flags_raised(
        HEALTH, "We post within ten minutes of the drop, and update again once the root cause "
        "is confirmed.")
