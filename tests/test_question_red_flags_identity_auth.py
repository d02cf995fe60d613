"""Identity-auth questions name their own red flags: a sentence proposing the scenario's harm
(failing open, merging accounts by email, a reset endpoint that reveals accounts) caps the
criterion through the offline grader, and a sentence rejecting the same harm raises nothing."""

from __future__ import annotations

import pytest

from interviewer.library import default_library
from tests.question_flags import (
    assert_area_flags,
    assert_flagged_and_capped,
    own_flag,
    own_flags_raised,
)

AREA = "identity-auth"

PROPOSES = [
    (
        "iam-authorization-check-api",
        "authz-fails-open",
        "If the authorization service times out, product services fail open so pages stay fast.",
    ),
    (
        "iam-sso-across-acquisitions",
        "sso-merge-by-email",
        "During the migration we merge accounts by email across the three products.",
    ),
    (
        "iam-password-reset-spec-critique",
        "reset-reveals-accounts",
        "I would keep the 404 for unknown emails because it helps users who mistype.",
    ),
    (
        "iam-session-to-oidc-migration",
        "oidc-any-token-accepted",
        "To keep the rollout simple, each service can accept any token from the issuer.",
    ),
    (
        "iam-login-endpoint-rate-limits",
        "login-limit-by-ip-only",
        "We block the IP address after twenty failed attempts in a minute.",
    ),
    (
        "iam-otp-send-limits",
        "otp-block-all-international",
        "The quickest fix is to block all international numbers until the bill is back down.",
    ),
    (
        "iam-sign-in-with-google-explained",
        "google-token-unchecked",
        "The backend can just decode the JWT and read the email claim to find the user.",
    ),
    (
        "iam-password-hash-migration-staged",
        "hash-dormant-left-weak",
        "We rehash each password at login, and dormant users can wait until they come back.",
    ),
    (
        "iam-permission-revocation-propagation",
        "revocation-shorter-ttl-only",
        "I would shorten the cache to one minute and tell the customer it is fixed.",
    ),
]
REJECTS = [
    (
        "iam-authorization-check-api",
        "If the authorization service times out, services must never fail open; they deny and "
        "show a retry message.",
    ),
    (
        "iam-sso-across-acquisitions",
        "We would not merge accounts by email; a user links them after logging in to both.",
    ),
    (
        "iam-password-reset-spec-critique",
        "The 404 is a leak: return the same 202 whether or not the email is registered.",
    ),
    (
        "iam-session-to-oidc-migration",
        "Each service checks the audience, so it never accepts any token from the issuer that "
        "was meant for another service.",
    ),
    (
        "iam-otp-send-limits",
        "Rather than block all international numbers, we cap codes per number and per country "
        "route, and watch conversion by country.",
    ),
    (
        "iam-sign-in-with-google-explained",
        "The backend verifies the ID token's signature, issuer, audience and expiry before it "
        "trusts the email claim.",
    ),
    # the question asked out loud, or a good plan that uses the same words, is not the harm
    (
        "iam-authorization-check-api",
        "Should a check fail open or fail closed? Closed: deny by default and show a retry.",
    ),
    (
        "iam-enterprise-login-drop",
        "Overall success is normal, so the cause is specific to this customer: I would split "
        "their failures by identity provider and error code.",
    ),
    (
        "iam-password-hash-migration-staged",
        "Active users rehash on login, and dormant users' old hashes get wrapped in the slow "
        "hash tonight.",
    ),
    (
        "iam-reliability-is-boring",
        "I would accept the move only if key rotation and on-call stay covered, and I would "
        "put that risk in writing.",
    ),
]



@pytest.mark.parametrize(("question_id", "flag_id", "answer"), PROPOSES)
def test_proposing_the_scenarios_harm_raises_the_questions_flag(
    question_id: str, flag_id: str, answer: str
) -> None:
    grade = assert_flagged_and_capped(question_id, flag_id, answer)
    assert grade.overall <= own_flag(question_id, flag_id).cap


@pytest.mark.parametrize(("question_id", "answer"), REJECTS)
def test_rejecting_the_harm_raises_no_question_flag(question_id: str, answer: str) -> None:
    assert not own_flags_raised(question_id, answer)


def test_every_area_question_has_one_or_two_flags_of_its_own() -> None:
    assert_area_flags(AREA, max_cues=8)


def test_a_questions_own_strong_answer_raises_none_of_its_flags() -> None:
    for q in default_library().filter(area=AREA):
        assert not own_flags_raised(q.id, " ".join([*q.strong_answer, *q.strong_hire])), q.id
