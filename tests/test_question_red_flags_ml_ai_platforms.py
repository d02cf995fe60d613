"""The ml-ai-platforms questions' own red flags, through the offline grader: an answer that
proposes the question's harm raises that question's flag and caps its criterion, and an answer
that rejects the same harm raises nothing of the question's own."""

from __future__ import annotations

import pytest

from interviewer.library import TOPIC_CRITERIA, default_library
from interviewer.models.base import Exchange, GradeRequest
from interviewer.offline.grader import grade_answer
from interviewer.scoring import AnswerGrade

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


def _grade(question_id: str, answer: str) -> AnswerGrade:
    library = default_library()
    q = library.question(question_id)
    request = GradeRequest.for_question(q, library.rubric_for(q),
                                        [Exchange(prompt=q.text, answer=answer)])
    return grade_answer(request)


def _topic_ids(question_id: str) -> set[str]:
    """The criteria a flag on `topic` caps: the question's own, not the shared ones."""
    library = default_library()
    q = library.question(question_id)
    return {c.id for c in library.rubric_for(q).criteria} - {"structure", "trade-offs", "story"}


@pytest.mark.parametrize(("question_id", "flag_id", "proposes", "rejects"), CASES,
                         ids=[c[0] for c in CASES])
def test_proposing_the_harm_raises_the_questions_flag(question_id: str, flag_id: str,
                                                      proposes: str, rejects: str) -> None:
    flag = next(f for f in default_library().question(question_id).red_flags if f.id == flag_id)
    grade = _grade(question_id, proposes)
    hit = next((h for h in grade.red_flags if h.id == flag_id), None)
    assert hit is not None, [h.id for h in grade.red_flags]
    assert hit.why == flag.why.strip()
    capped = [g for g in grade.criteria if g.id == flag.criterion
              or (flag.criterion == TOPIC_CRITERIA and g.id in _topic_ids(question_id))]
    assert capped and all(g.score <= flag.cap for g in capped)


@pytest.mark.parametrize(("question_id", "flag_id", "proposes", "rejects"), CASES,
                         ids=[c[0] for c in CASES])
def test_rejecting_the_harm_raises_none_of_the_questions_flags(question_id: str, flag_id: str,
                                                               proposes: str,
                                                               rejects: str) -> None:
    own = {f.id for f in default_library().question(question_id).red_flags}
    grade = _grade(question_id, rejects)
    assert not own & {h.id for h in grade.red_flags}


def test_every_question_in_the_area_has_its_own_flags_distinct_from_its_topics() -> None:
    library = default_library()
    questions = [q for q in library.questions.values() if q.area == AREA]
    assert len(questions) == 27
    for q in questions:
        assert 1 <= len(q.red_flags) <= 2, q.id
        inherited = {f.id for f in library.rubrics[q.topic].red_flags}
        assert not inherited & {f.id for f in q.red_flags}, q.id
        assert all(3 <= len(f.cues) <= 8 for f in q.red_flags), q.id
