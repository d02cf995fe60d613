"""The ml-ai-platforms questions' own red flags, through the offline grader: an answer that
proposes the question's harm raises that question's flag and caps its criterion, and an answer
that rejects the same harm raises nothing of the question's own."""

from __future__ import annotations

import pytest

from tests.question_flags import assert_area_flags, assert_flagged_and_capped, own_flags_raised

AREA = "ml-ai-platforms"

# (question id, flag id, an answer that proposes the harm, one that rejects it)
CASES = [
    ("ml-inference-gateway-contract", "provider-keys-with-product-teams",
     "To keep the gateway simple we would give each team the provider keys and log usage. "
     "The call takes a model alias, the messages and a stream flag.",
     "The platform holds the provider keys and never hands them to teams; each team gets its "
     "own gateway credential, so usage is attributed per team."),
    ("ml-model-version-output-change", "swaps-model-under-fixed-thresholds",
     "The new model is clearly better, so I would switch all twelve services at once next "
     "week and publish release notes for the owners.",
     "I would not switch all twelve services at once; the new version runs in shadow and the "
     "two blocking consumers move last, after a score mapping is checked."),
    ("ml-production-model-monitoring", "waits-for-true-outcomes",
     "Labels show us the truth, so we monitor accuracy only and review it each month when "
     "the loan outcomes come in.",
     "We cannot monitor accuracy only, because outcomes arrive weeks later; input drift and "
     "prediction distribution are the early signals."),
    ("ml-fraud-model-silent-decay", "disowns-the-decay",
     "Honestly this is not our responsibility, since the checkout team changed the field "
     "and the fraud team owns the model.",
     "I would tell the fraud team they are partly right and add null-rate and distribution "
     "checks on every input feature by default."),
    ("ml-feature-store-architecture", "training-on-latest-values",
     "For training sets we join the latest feature values to each labelled event, which is "
     "simple and quick to compute in the warehouse.",
     "Training sets use point-in-time joins, so each event gets the feature values known at "
     "that moment and never the latest values from after it."),
    ("ml-llm-evaluation-infrastructure", "one-run-as-the-verdict",
     "We pin the model version so results are reproducible, and compare a change with the "
     "baseline on the same dataset.",
     "Pinned versions keep cost down, but outputs still vary, so each case is sampled five "
     "times and we compare score differences with a confidence interval."),
    ("ml-experiment-assignment-api", "random-on-every-visit",
     "The library would pick a random variant each time the page loads and log which one "
     "the user saw.",
     "Assignment is a hash of the experiment, a salt and a stable user id, so the same user "
     "gets the same variant on web, mobile and backend."),
    ("ml-prompt-template-versioning", "template-change-goes-everywhere",
     "Since the change improves the prompt, we let the change go out everywhere and watch "
     "the ratings for a week.",
     "Each feature pins a template version, so the requesting team moves to version two "
     "while the other four stay on version one until their evaluations pass."),
    ("ml-gpu-allocation-between-teams", "first-come-first-served-kept",
     "I would keep first come first served, because it is simple, and ask teams to submit "
     "smaller jobs.",
     "Each team gets a guaranteed share of the 64 GPUs, idle GPUs can be borrowed, and jobs "
     "longer than a day must checkpoint so they can be paused."),
    ("ml-chatbot-satisfaction-drop", "stays-on-unpinned-alias",
     "Once the rating recovers we keep the default alias so we get the provider's newest "
     "model for free.",
     "We pin the previous model version today and require an evaluation run on the billing "
     "set before any move to a new version."),
]



@pytest.mark.parametrize(("question_id", "flag_id", "proposes", "rejects"), CASES,
                         ids=[c[0] for c in CASES])
def test_proposing_the_harm_raises_the_questions_flag(question_id: str, flag_id: str,
                                                      proposes: str, rejects: str) -> None:
    assert_flagged_and_capped(question_id, flag_id, proposes)


@pytest.mark.parametrize(("question_id", "flag_id", "proposes", "rejects"), CASES,
                         ids=[c[0] for c in CASES])
def test_rejecting_the_harm_raises_none_of_the_questions_flags(question_id: str, flag_id: str,
                                                               proposes: str,
                                                               rejects: str) -> None:
    assert not own_flags_raised(question_id, rejects)


def test_every_question_in_the_area_has_its_own_flags_distinct_from_its_topics() -> None:
    assert_area_flags(AREA, max_cues=8)
