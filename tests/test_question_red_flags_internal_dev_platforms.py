"""The internal-dev-platforms questions' own red flags, through the offline grader: a sentence
proposing the question's harm raises that question's flag and caps its criterion, and a
sentence rejecting the same harm raises nothing. Sentences are hand-written, not taken from
the labelled calibration answers."""

from __future__ import annotations

import pytest

from tests.question_flags import assert_area_flags, assert_flagged_and_capped, grade, own_flag

AREA = "internal-dev-platforms"

PROPOSES = [
    ("idp-service-manifest-contract", "raw-kubernetes-passthrough",
     "To stay flexible we expose every Kubernetes field in the manifest, so teams can move "
     "their existing setups over unchanged."),
    ("idp-ci-runner-fair-share", "buys-capacity-without-rule",
     "The quickest fix is to just buy more runners before the afternoon peak and see if the "
     "complaints stop."),
    ("idp-feature-flag-architecture", "remote-call-per-flag-check",
     "Every service makes a network call per flag check to the central flag service, which "
     "keeps the values always fresh."),
    ("idp-code-host-api-limits-for-bots", "blocks-the-bot",
     "Since it is the largest caller, I would block the bot until its maintainers rewrite it."),
    ("idp-cluster-quota-staged", "flat-cut-for-everyone",
     "Finance wants 20 percent, so we cut every team by 20 percent on the first of the month."),
    ("idp-preview-environments", "production-data-in-previews",
     "Each preview starts by loading production data into its database so reviewers see "
     "realistic pages."),
    ("idp-checks-api-for-ci-providers", "one-status-per-commit",
     "The API keeps one status field per commit that any tool can set to pass or fail."),
    ("idp-portal-build-vs-buy", "open-source-as-free",
     "Backstage is free, so we adopt it and put all three engineers on new features."),
    ("idp-engineer-to-platform-pm", "keeps-coding",
     "I would keep coding part time so the team does not lose my velocity."),
    ("idp-config-service-consistency", "services-stall-without-config",
     "Services fetch config on every request from the config service so values are current."),
    ("idp-deploy-platform-slos", "team-failures-burn-platform-budget",
     "Every failed deploy counts against the platform's error budget, whatever the cause."),
]
REJECTS = [
    ("idp-service-manifest-contract",
     "We would not expose every Kubernetes field in the manifest; a documented escape hatch "
     "covers the rare cases and we track how often it is used."),
    ("idp-ci-runner-fair-share",
     "I would avoid the temptation to just buy more runners, because the budget is fixed; a "
     "fair-share rule with borrowing comes first."),
    ("idp-feature-flag-architecture",
     "There must be no network call per flag check: the SDK keeps the rules in memory and "
     "streams updates in the background."),
    ("idp-code-host-api-limits-for-bots",
     "We should never block the bot; we work with its maintainers to move it to webhooks."),
    ("idp-cluster-quota-staged",
     "We won't cut every team by 20 percent; quotas follow measured use, team by team."),
    ("idp-preview-environments",
     "Previews never load production data into their databases; they use seeded, synthetic "
     "fixtures instead."),
    ("idp-engineer-to-platform-pm",
     "I would stop writing production code and hand my tickets to the other engineers."),
    # good answers that name the same thing without proposing the harm
    ("idp-portal-build-vs-buy",
     "Backstage is free to download but costs at least one engineer to run, so I count that."),
    ("idp-checks-api-for-ci-providers",
     "Each tool creates one result per commit for each check name it owns."),
    ("idp-engineer-to-platform-pm",
     "I would interview product teams even though I think I already know what users need."),
]



def test_every_question_in_the_area_names_its_own_red_flags() -> None:
    assert_area_flags(AREA)


@pytest.mark.parametrize(("question_id", "flag", "answer"), PROPOSES)
def test_a_proposed_harm_raises_the_questions_flag(question_id: str, flag: str,
                                                   answer: str) -> None:
    grade = assert_flagged_and_capped(question_id, flag, answer)
    assert grade.overall <= own_flag(question_id, flag).cap


@pytest.mark.parametrize(("question_id", "answer"), REJECTS)
def test_rejecting_the_harm_raises_no_flag(question_id: str, answer: str) -> None:
    result = grade(question_id, answer)
    assert result.red_flags == [], [(h.id, h.quote) for h in result.red_flags]
