"""Red-flag readings after the thirteenth blind set: a word of harm that says what went wrong
("some sends just lost") judges the cue beside it, a reservation for the work that must not
starve is a safeguard, an act said as a noun after what it acts on ("the password sharing")
names the practice, an option the candidate thought about and set a cost against is turned
down, "the pain is ..." names the problem as "the problem is ..." does, and a mandate from
the CTO is a decree only when it says whom it requires to act. Each reading comes as a pair:
words that are no plan, and the same harm as the candidate's plan, which must still raise the
flag."""

from __future__ import annotations

from tests.question_flags import flags_raised

SDK = "api-sdk-major-version-old-runtimes"
GPU = "ml-launch-gpu-inference-priority"
PROXY = "iam-caregiver-proxy-access"
MARKET = "api-payments-partner-app-marketplace"
STORY = "idp-inherited-distrusted-platform-story"

# (question, flag, words that are no plan, the same harm as the candidate's plan)
READINGS_13 = [
    # "lost" judges what it stands beside: the symptoms of a change, not a policy (h13p1-017)
    (SDK, "forced-by-mandate",
     "Retries off -> silent, no exception, some sends just lost.",
     "Retries off for every account in 9.0, no exceptions."),
    # a share reserved for the critical work is a safeguard; the launch gets what is left
    # (h13p2-045)
    (GPU, "launch-traffic-can-starve-fraud-scoring",
     "We reserve a share of the cluster for fraud and give the launch whatever is left.",
     "We give the launch whatever it asks for."),
    # "the password sharing": the act as a noun names the practice found (h13p2-057)
    (PROXY, "proxies-sign-in-as-the-patient",
     "I'd start with elderly parents, because that's most of the password sharing, and add "
     "carers after.",
     "I'd start with elderly parents, and share the password with carers after."),
    # an option thought about, with its cost set against it, is turned down (h13p2-062)
    (PROXY, "proxies-sign-in-as-the-patient",
     "I thought about one family login, which would be simpler, but then we couldn't tell "
     "who did what.",
     "I thought about one family login, which would be simpler, but I'd go with it anyway."),
    # "the pain is ..." names the problem, as "the problem is ..." does, up to the plan that
    # follows it (h13p3-007)
    (MARKET, "partner-apps-get-full-merchant-access",
     "The pain is real on both sides - merchants hand over keys that can do refunds, and "
     "partners get no distribution - so we'd build the connect layer since it's our "
     "permission model.",
     "The pain is real on both sides - merchants hand over keys that can do refunds - so "
     "we'd launch with no scopes for partners."),
]


def test_a_mandate_given_to_the_candidate_is_no_decree() -> None:
    """"A mandate from our CTO to reduce cloud spend" is the remit the candidate was given
    (h13p3-020): the cue "mandate from the cto" was too loose, naming whose mandate and not
    whom it forces. A mandate from the CTO requiring teams to move is still the harm."""
    assert "forced-by-mandate" not in flags_raised(
        STORY, "I had a team of six and a mandate from our CTO to reduce cloud spend.")
    assert "forced-by-mandate" in flags_raised(
        STORY, "I sent a mandate from the CTO requiring the teams onto the new platform.")

