"""An answer must do what the question asks the candidate to do. A scenario or design question
asks for a plan; a first-person recollection that never says what the candidate would do here
(often the story of a neighbouring problem, told with the question's nouns) has not answered
it and does not earn the own-words pass the outline ceiling gives real answers. A behavioural
question asks for exactly such a story."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from interviewer.library import default_library
from interviewer.models.base import Exchange, GradeRequest
from interviewer.offline.analysis import question_stems, read_answer
from interviewer.offline.grader import grade_answer, in_own_words
from interviewer.offline.matching import compiled
from interviewer.offline.off_topic import does_the_ask, recollection

SCENARIO = "idp-teams-choose-platform-metric"
BEHAVIOURAL = "api-broke-a-customer-story"

# The question asks for one number that shows the optional deploy platform beats what teams
# would build; this recounts how the candidate once won teams over: the question's nouns and
# the topic's concepts (adoption, lead time, deploy frequency), told in the past, and no
# number proposed for leadership here.
NEIGHBOURING_STORY = (
    "When I ran the internal deploy platform at my last company, it was optional, and my job "
    "was to win teams over. I interviewed five teams that ran their own pipelines and learned "
    "they stayed away because our rollbacks were slow. We fixed rollbacks first, then wrote a "
    "migration guide and paired with each team on its first move.\n\n"
    "Adoption grew from four teams to thirty in a year, and lead time to production for the "
    "teams that moved fell from days to hours. We tracked weekly active teams and deploy "
    "frequency on a dashboard I shared with leadership every month.\n\n"
    "After an outage two teams went back to their own pipelines, so we froze features for six "
    "weeks and hardened the deploy path. By the end of the year engineers were recommending "
    "the platform to each other."
)
PLAN = ("Here I would propose the share of new services that choose the platform when they "
        "could build their own, because that choice is the strongest signal.")


def _request(question_id: str, answer: str) -> GradeRequest:
    library = default_library()
    q = library.question(question_id)
    return GradeRequest.for_question(q, library.rubric_for(q),
                                     [Exchange(prompt=q.text, answer=answer)])


def _reading(question_id: str, answer: str):
    request = _request(question_id, answer)
    rubric = compiled(request.rubric)
    return rubric, read_answer(answer, rubric, question_stems(request.question_text,
                                                             request.strong_answer))


def test_a_story_of_a_neighbouring_problem_does_not_do_a_scenario_questions_ask() -> None:
    rubric, reading = _reading(SCENARIO, NEIGHBOURING_STORY)
    assert recollection(reading)
    assert not does_the_ask(rubric, reading)
    assert not in_own_words(rubric, reading)
    # without this check the story passes as an answer in its own words and earns 2.9
    assert grade_answer(_request(SCENARIO, NEIGHBOURING_STORY)).overall <= 1.5


def test_a_story_that_ends_with_a_plan_for_the_scenario_does_the_ask() -> None:
    answer = NEIGHBOURING_STORY + "\n\n" + PLAN
    rubric, reading = _reading(SCENARIO, answer)
    assert not recollection(reading)
    assert does_the_ask(rubric, reading)


def test_on_a_behavioural_question_a_story_is_the_ask() -> None:
    rubric, reading = _reading(BEHAVIOURAL, NEIGHBOURING_STORY)
    assert recollection(reading)
    assert does_the_ask(rubric, reading)


def test_one_past_sentence_in_a_present_answer_is_not_a_recollection() -> None:
    answer = ("Report the share of new services that pick the platform. At my last company we "
              "shipped a migration guide first. Track teams that leave, and why.")
    _, reading = _reading(SCENARIO, answer)
    assert not recollection(reading)  # an imperative plans, and one recounted line is not a story


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=300))
def test_any_text_followed_by_a_plan_is_never_a_recollection(text: str) -> None:
    rubric, reading = _reading(SCENARIO, text + "\n\n" + PLAN)
    assert not recollection(reading)
    assert does_the_ask(rubric, reading)


# The same question answered by recounting how the candidate once measured exactly this: it
# covers the outline, so it is graded on what it says, but it never applies it here.
RELEVANT_STORY = (
    "At my last company I reported the share of new services that chose our deploy platform "
    "when their teams had a real alternative, because that choice was the honest signal. "
    "We tracked teams that left and asked them why, and compared lead time to production and "
    "change failure rate for teams on and off the platform. "
    "I compared the same teams before and after they adopted it, since teams differ a lot. "
    "We set a target each quarter and agreed up front which result would change the roadmap."
)


def test_a_recollection_graded_on_what_it_covers_says_the_grade_is_uncertain() -> None:
    from interviewer.offline.confidence import RECOLLECTION_DOUBT, RECOLLECTION_HELD

    grade = grade_answer(_request(SCENARIO, RELEVANT_STORY))
    assert grade.overall > 1.5  # not held by the outline ceiling: it covers the outline
    assert RECOLLECTION_DOUBT in grade.uncertain
    planned = grade_answer(_request(SCENARIO, RELEVANT_STORY + " " + PLAN))
    assert RECOLLECTION_DOUBT not in planned.uncertain
    told = grade_answer(_request(BEHAVIOURAL, RELEVANT_STORY))
    assert RECOLLECTION_DOUBT not in told.uncertain  # a story is what that question asks for
    held = grade_answer(_request(SCENARIO, NEIGHBOURING_STORY))
    assert RECOLLECTION_DOUBT not in held.uncertain  # held at 1.5 instead, and told why
    assert RECOLLECTION_HELD in held.notes
