"""Red flags end to end: the offline grader caps the criterion and quotes the sentence, a
warning against the mistake raises nothing, the LLM grader's prompt lists them, and the
scorecard shows them with why they hurt the platform's users."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interviewer import engine
from interviewer.coaching import fix_first
from interviewer.engine import State, Turn
from interviewer.library import default_library
from interviewer.llm.prompts import grader_messages, interviewer_messages
from interviewer.models.base import Exchange, GradeRequest, TurnRequest
from interviewer.offline.grader import grade_answer
from interviewer.scoring import AnswerGrade, CriterionGrade, QuestionCard, RedFlagHit

PROPOSES = [
    ("versioning", "breaking-change-in-place", "compatibility",
     "To keep it simple we will change what the field means in place and update the docs. "
     "Merchants read the changelog, and our SDK gets the new meaning on the same day."),
    ("rate-limiting", "limits-without-notice", "fairness-and-feedback",
     "The biggest tenants are the problem, so we set a per-tenant quota from observed usage and "
     "start enforcing tomorrow. A token bucket per tenant gives a small burst allowance."),
    ("observability", "secrets-in-logs", "telemetry-signals",
     "For debugging failed logins we log the attempted password with the user id for a year. "
     "We then alert on the login error rate against an SLO of 99.9 percent."),
    ("developers-as-customers", "mandate-over-adoption", "self-serve-adoption",
     "Adoption is slow, so I would make it mandatory for every team by the end of the quarter. "
     "The platform team then measures onboarding time for each team that moves."),
    ("observability", "secrets-in-logs", "telemetry-signals",
     "For faster debugging each deploy log will print all environment variables and secrets "
     "of the service. Logs are kept for a year so on-call can look back."),
    ("developers-as-customers", "blames-developers", "customer-insight",
     "Most complaints came from engineers who had not read the documentation, which was "
     "thorough. So we kept the design and pointed them to the wiki."),
]
WARNS = [
    ("versioning", "We would never change what the field means in place; a new field ships "
                   "alongside the old one and the old one stays for a year."),
    ("rate-limiting", "We must not start enforcing tomorrow: the largest tenants get three "
                      "months of notice and a log-only period first."),
    ("observability", "Nobody should log the attempted password; we log the user id and the "
                      "outcome of each attempt only."),
    ("developers-as-customers", "I would avoid making it mandatory for every team; teams "
                                "should pick it because it is faster than their own scripts."),
    # a past problem the candidate fixed, not a proposal
    ("observability", "For alerting, we had been paging on every failed deploy, which was "
                      "miserable, so we moved to paging on the error budget only."),
]


def _request(topic: str, answer: str) -> GradeRequest:
    library = default_library()
    q = next(q for q in library.questions.values() if q.topic == topic and q.kind != "behavioural")
    return GradeRequest.for_question(q, library.rubric_for(q),
                                     [Exchange(prompt=q.text, answer=answer)])


@pytest.mark.parametrize(("topic", "flag", "criterion", "answer"), PROPOSES)
def test_a_proposed_mistake_caps_its_criterion_and_is_quoted(topic: str, flag: str,
                                                              criterion: str, answer: str) -> None:
    grade = grade_answer(_request(topic, answer))
    hit = next(h for h in grade.red_flags if h.id == flag)
    assert hit.quote == answer.split(". ")[0] + "." or hit.quote in answer
    assert hit.quote in answer and hit.why
    capped = next(c for c in grade.criteria if c.id == criterion)
    assert capped.score <= hit.cap
    assert capped.feedback.startswith(f"Red flag: {hit.name.lower()}.")
    assert grade.overall <= hit.cap
    assert "red-flag" in grade.flags


@pytest.mark.parametrize(("topic", "answer"), WARNS)
def test_warning_against_the_mistake_raises_no_red_flag(topic: str, answer: str) -> None:
    grade = grade_answer(_request(topic, answer))
    assert grade.red_flags == [] and "red-flag" not in grade.flags


def test_question_red_flags_are_applied_too() -> None:
    library = default_library()
    q = next(q for q in library.questions.values() if q.topic == "api-design")
    extra = {"id": "card-numbers-in-urls", "name": "Card numbers in URLs",
             "what": "Puts card numbers in request URLs.", "criterion": "api-contract",
             "cap": 1, "why": "URLs end up in logs and browser history.",
             "cues": ["card number in the url"]}
    question = type(q).model_validate({**q.model_dump(), "red_flags": [extra]})
    rubric = library.rubric_for(question)
    request = GradeRequest.for_question(question, rubric, [Exchange(
        prompt=q.text, answer="The client sends the card number in the URL of the create call.")])
    grade = grade_answer(request)
    assert [h.id for h in grade.red_flags] == ["card-numbers-in-urls"]
    assert next(c for c in grade.criteria if c.id == "api-contract").score == 1


def test_the_llm_grader_prompt_lists_red_flags_and_the_interviewer_prompt_does_not() -> None:
    request = _request("versioning", "An answer.")
    system = grader_messages(request, request.exchanges, 0, "t", None)[0]["content"]
    flag = request.rubric.red_flags[0]
    assert "Red flags." in system and flag.name in system and flag.why.split()[0] in system
    assert f"Caps `{flag.criterion}` at {flag.cap}" in system
    library = default_library()
    q = library.question(request.question_id)
    turn = TurnRequest(kind="question", seed_text=q.text, question=q, rubric=request.rubric,
                       number=1, total=1)
    interviewer = interviewer_messages(turn, [], 0, "t")[0]["content"]
    assert flag.name not in interviewer


def _card(qid: str, scores: dict[str, int], hits: list[RedFlagHit] | None = None) -> QuestionCard:
    criteria = [CriterionGrade(id=c, name=c.title(), score=s, weight=0.5, tip=f"Fix {c}. More.")
                for c, s in scores.items()]
    return QuestionCard(question_id=qid, question="Q?", area="api-products", topic="api-design",
                        overall=2.0, criteria=criteria, missed=[], strong_answer=[],
                        red_flags=hits or [])


def test_fix_first_puts_red_flags_and_skipped_questions_before_weak_criteria() -> None:
    hit = RedFlagHit(id="x", name="Breaking change", criterion="depth", cap=2, quote="q",
                     why="Clients break.")
    cards = [_card("a", {"depth": 1, "breadth": 2}, [hit]), _card("b", {"depth": 1, "story": 3})]
    assert fix_first(cards, 2) == [
        "Red flag, breaking change: Clients break.",
        "Answer every question: 2 went unanswered, and each counts as a 1 in the overall score.",
        "Depth: Fix depth."]
    assert fix_first([_card("c", {"depth": 3})], 0) == []


def test_skipped_questions_count_as_one_once_the_interview_is_over(mini_library) -> None:
    state = State(engine.Plan("full", None, None, ("q0-0", "q0-1", "q0-2")),
                  [Turn("interviewer", "question", "q0-0", "Q?"),
                   Turn("candidate", "answer", "q0-0", "A.")])
    state.grades["q0-0"] = AnswerGrade(question_id="q0-0", grader="fake", answers=1, criteria=[
        CriterionGrade(id="api-design-depth", name="d", score=4, weight=0.5),
        CriterionGrade(id="api-design-breadth", name="b", score=4, weight=0.5)])
    running = engine.build_scorecard("x", state, mini_library)
    assert running.overall == 4.0 and running.answered == 1 and running.total == 3
    state.finished = True
    done = engine.build_scorecard("x", state, mini_library)
    assert done.overall == 2.0 and done.hire_signal == "Lean no hire"
    assert done.unanswered == 2 and done.fix_first[0].startswith("Answer every question: 2")


def test_the_scorecard_page_shows_red_flags_doubt_and_what_to_fix_first(client, fake_model,
                                                                        monkeypatch) -> None:
    from tests.test_pages import _start, _token

    plain = fake_model.grade

    async def flagged(request: GradeRequest) -> AnswerGrade:
        grade = await plain(request)
        hit = RedFlagHit(id="breaking-change-in-place", name="Breaking change shipped in place",
                         criterion=grade.criteria[0].id, cap=2, quote="We repurpose the field.",
                         why="Integrations break with no change on their side.")
        return grade.model_copy(update={"red_flags": [hit], "overall_cap": 2.0,
                                        "uncertain": ["It reads as spoken."]})

    monkeypatch.setattr(fake_model, "grade", flagged)
    url = _start(client, mode="area", area="api-products", questions="2")
    page = client.get(url).text
    client.post(f"{url}/answers", data={
        "csrf_token": _token(page), "text": "We repurpose the field.",
        "turn": re.search(r'name="turn" value="(\d+)"', page).group(1)})
    card = client.get(f"{url}/scorecard").text
    assert "Red flag: Breaking change shipped in place" in card
    assert "<blockquote><p>We repurpose the field.</p></blockquote>" in card
    assert "Why it hurts the platform's users: Integrations break" in card
    assert "This grade is uncertain.</strong> It reads as spoken." in card
    assert "Fix these first" in card
    assert "Red flag, breaking change shipped in place: Integrations break" in card
    assert "You answered 1 of 2 questions." in card
    assert "weight 0." not in card


def test_a_red_flag_every_topic_shares_caps_all_the_topic_criteria() -> None:
    grade = grade_answer(_request("success-metrics", (
        "To measure checkout conversion we capture full card numbers and CVV in our analytics "
        "tool so we can study drop-off field by field. The primary metric is conversion per "
        "merchant against a baseline from last quarter, with refund rate as a guardrail.")))
    hit = next(h for h in grade.red_flags if h.id == "personal-data-exposed")
    assert hit.criterion == "topic" and "full card numbers" in hit.quote
    topic = [c for c in grade.criteria if c.id not in ("structure", "trade-offs")]
    assert topic and all(c.score <= 2 and c.feedback.startswith("Red flag") for c in topic)
    assert grade.overall <= 1.5


def test_a_warning_word_far_from_the_cue_does_not_hide_the_flag() -> None:
    """A long sentence may say "no" about something else; only a warning near the cue
    turns it into a warning against the mistake."""
    answer = ("For replay we keep everything in the warehouse, including full raw payloads "
              "with emails and phone numbers of every user who signed up, so no access request "
              "is ever needed. Collection writes to both destinations at once.")
    grade = grade_answer(_request("system-architecture", answer))
    assert any(h.id == "personal-data-exposed" for h in grade.red_flags)
    near = answer.replace("including full raw payloads", "never including full raw payloads")
    assert not any(h.id == "personal-data-exposed"
                   for h in grade_answer(_request("system-architecture", near)).red_flags)


# Harmful designs said in general words, not in any one question's vocabulary: each caps every
# criterion the topic owns and holds the answer to 1.5 whatever else it says well.
GENERIC_HARM = [
    ("forced-by-mandate", "platform-strategy",
     "Every team moves its pipelines to the new platform by the end of March, with no "
     "exceptions, and the old build servers are switched off that day. Each team gets a "
     "migration guide and a channel for questions, and we track progress weekly."),
    ("changed-without-notice", "rate-limiting",
     "We apply the new per-tenant quotas without notice, because an announcement just starts "
     "a negotiation. Quotas come from each tenant's observed peak, with a token bucket per "
     "tenant and a burst allowance of twice the sustained rate."),
    ("no-safety-net", "system-architecture",
     "To remove load from the token service we turn off the revocation check and keep "
     "sessions valid for ninety days. The gateway then validates signed tokens locally, which "
     "cuts latency to a few milliseconds per request."),
]


@pytest.mark.parametrize(("flag", "topic", "answer"), GENERIC_HARM)
def test_a_harmful_design_in_general_words_sinks_the_answer(flag: str, topic: str,
                                                            answer: str) -> None:
    grade = grade_answer(_request(topic, answer))
    hit = next(h for h in grade.red_flags if h.id == flag)
    assert hit.quote in answer
    topic_grades = [c for c in grade.criteria if c.id not in ("structure", "trade-offs")]
    assert all(c.score <= hit.cap for c in topic_grades)
    assert grade.overall <= 1.5


def test_a_promise_of_exactly_once_delivery_is_flagged_and_quoted() -> None:
    answer = ("Our webhook system guarantees exactly once delivery, so merchants never need to "
              "check for duplicates. Each event goes to a queue and a worker posts it to the "
              "merchant's endpoint, retrying with backoff when the endpoint is down.")
    grade = grade_answer(_request("system-architecture", answer))
    hit = next(h for h in grade.red_flags if h.id == "exactly-once-promise")
    assert hit.quote == answer.split(". ")[0] + "."
    assert next(c for c in grade.criteria if c.id == "components-and-data-flow").score <= 2


@pytest.mark.parametrize(("topic", "answer"), [
    # the cue's words in another order say something else
    ("observability", "On-call can post a status notice without approval once the error "
                      "budget alert fires, and the incident lead updates it every thirty "
                      "minutes."),
    ("system-architecture", "After an outage we hold a review without blame, and the on-call "
                            "rotation stopped complaining once pages fell by half."),
    # the candidate rejects the harmful option
    ("system-architecture", "I rejected exactly once delivery as a promise: we deliver at "
                            "least once and every event carries an id merchants deduplicate "
                            "on."),
    ("platform-strategy", "We never force an upgrade on a team; the old pipeline keeps "
                          "running until the last team has moved on its own schedule."),
    # the harmful option as the subject being judged, or named by what it breaks
    ("system-architecture", "Turning off the revocation check would leave stolen tokens valid "
                            "for months, so we keep it and cache each result for a minute."),
    ("rate-limiting", "Silently dropping the extra messages hides the limit from developers, "
                      "who then decide the API is broken."),
    ("versioning", "Making the change in place would break forty dashboards overnight, so the "
                   "new property ships next to the old one."),
    ("platform-strategy", "The mandate-by-memo approach with no exceptions backfires: teams "
                          "comply on paper and route around it."),
    # someone else's mistake the candidate recounts, not the candidate's plan
    ("observability", "Three causes, none of them one person: the vendor changed its "
                      "pagination without notice; our job treated an empty page as success."),
    # the thing described to be judged, and the harm as the condition a safeguard checks
    ("api-design", "A personal token that never expires and can delete projects is fit for "
                   "no automated job, so CI gets its own narrow credential."),
    ("observability", "We added a test that fails the build if a new field is added to the "
                      "error reports without a privacy review."),
])
def test_reordered_or_rejected_cues_raise_no_red_flag(topic: str, answer: str) -> None:
    grade = grade_answer(_request(topic, answer))
    assert grade.red_flags == [], [h.quote for h in grade.red_flags]


def test_a_time_phrase_opening_the_sentence_still_proposes_the_change() -> None:
    """'Starting tomorrow, I would ...' opens with an -ing word but is the candidate's plan."""
    answer = ("Starting tomorrow, we enforce the new per-tenant quotas without notice, because "
              "announcing them only starts a negotiation. Quotas come from each tenant's peak.")
    grade = grade_answer(_request("rate-limiting", answer))
    assert any(h.id == "changed-without-notice" for h in grade.red_flags)


def test_a_bullet_note_of_what_the_candidate_did_still_raises_the_flag() -> None:
    """A note that opens with the verb ('deleted the cluster ...') has the candidate as its
    unstated subject: it is not someone else's mistake."""
    answer = ("- Got the VP to mandate the move: every team off the old cluster in six weeks, "
              "no exceptions\n- Froze writes on the deadline and deleted the old system the "
              "next week\n- Result: the cluster was gone on time and we saved $40k a month")
    grade = grade_answer(_request("platform-strategy", answer))
    assert any(h.id == "forced-by-mandate" for h in grade.red_flags)


# The same plan said as a plain cue ("without a review") and as a frame ("shut down + old + on
# day one"): both are read by one function, so a condition, a thing described or a judged
# subject sets either aside, and either said as a plan raises the flag. (Written here; the
# guards blind-holdout-5 called for are among them.)
HARMS = [("ship config changes without a review", "ships config changes without a review"),
         ("shut down the old scheduler on day one", "shuts down the old scheduler on day one")]
READ_AS_PLAN = ["We {do} so the team moves faster.",
                "Next sprint we {do}, and then we measure queue times."]
READ_AS_NO_PLAN = [
    # the condition of its clause: what would happen then, not what the candidate plans
    "If we ever {do}, the on-call lead hears about it first.",
    "Unless we {do}, the migration takes a quarter, and I'd accept that.",
    # the thing the sentence opens by describing, to be judged
    "A plan that {does} is one I would send back to the team.",
    "The rollout which {does} is what the CTO asked for, and we'd push back.",
]


@pytest.mark.parametrize("template", READ_AS_PLAN)
@pytest.mark.parametrize(("do", "does"), HARMS)
def test_a_cue_or_a_frame_said_as_a_plan_raises_the_flag(template: str, do: str,
                                                          does: str) -> None:
    answer = template.format(do=do, does=does)
    grade = grade_answer(_request("system-architecture", answer))
    assert "no-safety-net" in {h.id for h in grade.red_flags}, answer


@pytest.mark.parametrize("template", READ_AS_NO_PLAN)
@pytest.mark.parametrize(("do", "does"), HARMS)
def test_a_cue_or_a_frame_as_a_condition_or_a_description_raises_nothing(template: str, do: str,
                                                                          does: str) -> None:
    answer = template.format(do=do, does=does)
    grade = grade_answer(_request("system-architecture", answer))
    assert "no-safety-net" not in {h.id for h in grade.red_flags}, answer


@pytest.mark.parametrize("answer", [
    # a plan whose condition comes after the harm, or sits in a clause of its own before it:
    # the harm is still the plan
    "We ship config changes without a review if the change is under ten lines, to move fast.",
    "If the team is busy, we deploy without a review and fix forward.",
    # "when" opens a time, not a condition: the plan holds whenever it applies
    "I'd let teams merge to production without a review when they are in a hurry.",
    # the candidate's own subject, not a thing described at the start of the sentence
    "We give the CI pipeline a personal token that will never expire, which keeps deploys simple.",
])
def test_a_plan_that_merely_mentions_if_or_that_still_raises_the_flag(answer: str) -> None:
    grade = grade_answer(_request("system-architecture", answer))
    assert any(h.id == "no-safety-net" for h in grade.red_flags), [h.id for h in grade.red_flags]


@pytest.mark.parametrize("answer", [
    # the condition a check reacts to is a safeguard ("whenever" reads as "if")
    "I'd add a check that fails the build if a schema change lands without a review.",
    "The pipeline blocks the deploy whenever someone tries to ship it without a review.",
    "We alert the owning team whenever a rule is changed without a review.",
    # a thing described with "which" to rule it out
    "A credential which never expires is not something we hand to a bot.",
])
def test_a_safeguard_or_a_thing_ruled_out_raises_nothing(answer: str) -> None:
    grade = grade_answer(_request("system-architecture", answer))
    assert "no-safety-net" not in {h.id for h in grade.red_flags}, answer


_NEUTRAL = ["the", "queue", "team", "runners", "next", "quarter", "dashboard", "owners",
            "weekly", "builds", "faster", "and", "then", "with", "for", "metrics", "cost"]


@settings(max_examples=40, deadline=None)
@given(tail=st.lists(st.sampled_from(_NEUTRAL), min_size=0, max_size=12),
       harm=st.sampled_from(HARMS),
       reading=st.sampled_from(READ_AS_NO_PLAN + [
           "I chose a phased move over the big bang, which would have meant we {do}."]))
def test_the_readings_hold_whatever_follows_the_sentence(tail: list[str], harm: tuple[str, str],
                                                         reading: str) -> None:
    """A condition, a description or the path not taken stays no plan however the sentence
    goes on in neutral words, for a cue and a frame alike; the same harm said as a plan with
    the same tail still raises the flag."""
    do, does = harm
    rest = " ".join(tail)
    not_a_plan = reading.format(do=do, does=does).rstrip(".") + (f", {rest}." if rest else ".")
    plan = f"We {do}" + (f", {rest}." if rest else ".")
    flags = {h.id for h in grade_answer(_request("system-architecture", not_a_plan)).red_flags}
    assert "no-safety-net" not in flags, not_a_plan
    assert "no-safety-net" in {h.id for h in grade_answer(
        _request("system-architecture", plan)).red_flags}, plan


# Spoken answers: fillers and pauses ("if we, um, ever ...", "so, like, a plan that ...") must
# not move a reading off the words it reads, nor end the clause an "if" opened.
SPOKEN_NO_PLAN = [
    "If we, um, like, you know, ever ship config changes without a review, the on-call lead "
    "hears about it first.",
    "Um, uh, I mean, you know, I'd add a check that, um, fails the build if, uh, a schema "
    "change lands without a review.",
    "So, um, like, uh, basically, you know, a plan that, um, ships config changes without a "
    "review is one I would send back.",
    "So, um, if we ever, uh, shut down the old scheduler on day one, the on-call lead hears "
    "about it first.",
    "Okay so, uh, honestly, turning off the revocation check would leave stolen tokens valid.",
]
SPOKEN_PLAN = [
    "Uh, um, you know, so, um, we ship config changes without a review so the team moves "
    "faster.",
    "Okay so, um, we shut down the old scheduler on day one, uh, so the team moves faster.",
    "Like, we ship config changes without a review, um, so the team moves faster.",
]


@pytest.mark.parametrize("answer", SPOKEN_NO_PLAN)
def test_fillers_do_not_move_a_reading_off_its_words(answer: str) -> None:
    grade = grade_answer(_request("system-architecture", answer))
    assert "no-safety-net" not in {h.id for h in grade.red_flags}, answer


@pytest.mark.parametrize("answer", SPOKEN_PLAN)
def test_a_spoken_plan_still_raises_the_flag(answer: str) -> None:
    grade = grade_answer(_request("system-architecture", answer))
    assert "no-safety-net" in {h.id for h in grade.red_flags}, answer


def test_keeping_a_change_quiet_on_purpose_is_a_change_without_notice() -> None:
    """blind-holdout-8: "I deliberately didn't announce it" is a change kept from the people it
    hits on purpose; a launch held back until a pilot works, then announced, is not."""
    quiet = ("On a Friday evening we removed every team's write access to the shared tables. "
             "I deliberately didn't announce the change, so teams could not push back.")
    assert any(h.id == "changed-without-notice"
               for h in grade_answer(_request("rate-limiting", quiet)).red_flags)
    honest = ("We didn't announce it until the pilot worked, and then gave every team three "
              "months and a migration guide.")
    assert not any(h.id == "changed-without-notice"
                   for h in grade_answer(_request("rate-limiting", honest)).red_flags)


def test_a_flag_capped_at_1_leaves_the_overall_at_the_floor_of_the_scale() -> None:
    """A flag capped at 1 held the overall half a level below its cap: 0.5, off the scale."""
    from interviewer.red_flag_caps import apply_red_flags
    from interviewer.scoring import AnswerGrade, RedFlagHit

    grades = [CriterionGrade(id="migration-plan", name="m", score=4, weight=0.5),
              CriterionGrade(id="structure", name="s", score=4, weight=0.5)]
    hit = RedFlagHit(id="f", name="F", criterion="migration-plan", cap=1)
    capped, overall_cap = apply_red_flags(grades, [hit], {"migration-plan"})
    assert overall_cap == 1.0
    grade = AnswerGrade(question_id="q", criteria=capped, grader="offline", red_flags=[hit],
                        overall_cap=0.5)  # a cap stored before the floor existed
    assert grade.overall == 1.0
