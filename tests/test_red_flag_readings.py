"""Red flags against what blind-holdout-6 showed: a cue can sit in a sentence that rejects it,
names a problem the candidate found, names an option in quotation marks, weighs what follows
from a condition, or recounts someone else's plan. None of these is the candidate's plan, and
each reading is checked beside the same harm said as a plan, which must still raise the flag.

The sentences are written here, not copied from the labelled sets."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.question_flags import flags_raised

FARES = "api-flight-fare-taxes-field-meaning"
KEYS = "iam-leaked-service-key-workload-identity"
GATEWAY = "ml-llm-gateway-prompt-logging"
REINDEX = "ml-embedding-model-switch-reindex"
MANDATE_STORY = "idp-mandated-platform-story"
TOKENS = "iam-game-session-token-lifetimes"
WEEKEND = "ml-support-bot-model-weekend-switch"
LAKEHOUSE = "data-logistics-lakehouse-mandate"
MIGRATIONS = "idp-auto-apply-schema-migrations"
ROLLOUT_STORY = "idp-irreversible-rollout-story"
TRAINING_STORY = "ml-personal-data-in-training-set-story"
LOG_BILL = "idp-log-bill-blanket-sampling"
VISIT_AUDIO = "ml-telehealth-transcription-accent-gap"
AGENT_KEYS = "iam-ai-agent-delegated-access"


# (question, flag, a sentence that is not a plan, the same harm as the candidate's plan)
READINGS = [
    # a rejection: the negation sits inside the cue's words ("is not enough")
    (FARES, "changes-price-meaning-in-place",
     "Agencies parse that field in their own code, so a changelog note isn't enough here.",
     "A changelog note is enough, so taxes go into the price field next sprint."),
    (FARES, "changes-price-meaning-in-place",
     "For a field that agencies add tax to, a changelog note is never enough warning.",
     "The changelog note is enough for agencies, and the new meaning ships on Monday."),
    # a problem the candidate found, named as the issue or its cause
    (KEYS, "no-safety-net",
     "The underlying issue is the old keys, they never expire and nobody owns them.",
     "The main issue is friction, so we'd issue service keys that never expire."),
    (KEYS, "no-safety-net",
     "Why it happened: service keys never expire and get pasted into chat.",
     "We issue every service a key that will never expire, to keep calls simple."),
    # an option named in quotation marks, spoken of rather than adopted
    (GATEWAY, "personal-data-exposed",
     'At four million calls a day, "log everything" would mean 40 GB of customer text a day '
     'in shared logging.',
     'I\'d "log everything" for the first month and trim it later.'),
    (GATEWAY, "personal-data-exposed",
     "At four million calls a day, \u201clog every prompt\u201d would fill shared logging with "
     "customer text.",
     "We log every prompt for the first month and trim it later."),
    # what follows from a condition, weighed as a risk
    (REINDEX, "irreversible-without-exit",
     "Once the old index is dropped, any team whose search gets worse has no way back short "
     "of a full re-embed.",
     "Once the new index is live we drop the old one, and there is no way back."),
    (REINDEX, "irreversible-without-exit",
     "The cheap option scared me: once the old embeddings are gone there is no way back.",
     "I'd switch all teams at once and there is no way back, which keeps it cheap."),
    # someone else's mandate, recounted in a story (a frame, then a plain cue)
    (MANDATE_STORY, "forced-by-mandate",
     "Our CTO told me in a one-to-one that she would announce that every team had to be on "
     "the new pipeline by the end of the quarter.",
     "I told the teams that every team had to be on the new pipeline by the end of the "
     "quarter."),
    (MANDATE_STORY, "forced-by-mandate",
     "The head of security said there would be no exceptions for any team.",
     "I said there would be no exceptions for any team."),
]


# What blind-holdout-7 showed, each beside the same harm said as the candidate's plan.
READINGS_7 = [
    # the option the plan is set against, after "than" or "instead of"
    (TOKENS, "months-long-game-tokens-no-revocation",
     "Banned players are dropped by a ban list the servers check, far quicker than waiting "
     "for the token to expire.",
     "For banned players we simply wait for the token to expire."),
    (TOKENS, "months-long-game-tokens-no-revocation",
     "A ban list is pushed to every server rather than waiting for the token to expire.",
     "We skip the ban list and wait for the token to expire."),
    # a frame whose act is the condition of its clause
    (WEEKEND, "no-safety-net",
     "Moving every tenant this weekend is cheapest, but any regression reaches all of them at "
     "once, and if the old model is deleted we cannot undo it.",
     "We move every tenant this weekend and delete the old model at once to save money."),
    # a risk named, as the problem is: what follows it is the risk, not the plan
    (LAKEHOUSE, "forced-migration",
     "I show the CTO one risk: a dozen teams moving in one quarter onto an unproven platform.",
     "The risk is worth it, so we move every team in one quarter."),
    (LAKEHOUSE, "forced-migration",
     "I explain to CTO risk: all twelve moves in one quarter with no proof the platform holds.",
     "Risk is fine for me, I move all twelve teams in one quarter."),
    # a fact about a kind of change, said of anyone ("you"), not the candidate's plan
    (MIGRATIONS, "no-rollback",
     "A dropped column or a rewritten table is destructive, you can't roll back data by "
     "redeploying the code.",
     "We auto-apply everything on merge, you can't roll back but it is fast."),
    # the hard part of a story named: what made it hard, not what the candidate chose
    (ROLLOUT_STORY, "irreversible-without-exit",
     "The tricky part was that the new store rewrote every record, so after the first week "
     "there was no going back without losing edits.",
     "The tricky part was speed, so we cut over in one go with no going back."),
    (ROLLOUT_STORY, "no-safety-net",
     "The hard part was that the new store rewrote every record, so after the first week "
     "there was no going back without losing edits.",
     "The hard part was speed, so we cut over in one go with no going back."),
    # what someone else saw or found, with an irregular past tense
    (TRAINING_STORY, "personal-data-exposed",
     "An engineer skimming the training corpus saw full card numbers in a handful of chats.",
     "We kept full card numbers in the training set because masking slowed the pipeline."),
    (TRAINING_STORY, "personal-data-exposed",
     "Last spring a reviewer found full card numbers in the fine-tuning chats.",
     "We kept full card numbers in the fine-tuning chats to ship on time."),
]



# What blind-holdout-8 showed, each beside the same harm said as the candidate's plan.
READINGS_8 = [
    # what the candidate found, noticed or discovered is a problem found, not a plan; a way
    # or a fix found is the candidate's own
    (LOG_BILL, "personal-data-exposed",
     "Going through the invoice, I noticed the billing service logging full raw payloads - "
     "patient names, birth dates and diagnosis codes.",
     "We keep logging full raw payloads with patient names, birth dates and diagnosis codes, "
     "so support can debug."),
    (LOG_BILL, "personal-data-exposed",
     "We discovered the billing service logging full raw payloads, patient names included.",
     "We found a way to keep logging full raw payloads, patient names included."),
    # a request named as a noun (or made by someone else) is the ask weighed, not the plan
    (VISIT_AUDIO, "stores-all-visit-audio-for-debugging",
     "The other thing on my desk is the request to save every visit's audio, which I'd turn "
     "down for now.",
     "I'd save every visit's audio for a year so the model team can debug the accent gap."),
    (VISIT_AUDIO, "stores-all-visit-audio-for-debugging",
     "The model team requests to store all the recordings, and that needs consent first.",
     "We request consent once and then store all the recordings for the model team."),
    # a risk named with a word of when after it ("main risk today is that ...")
    (AGENT_KEYS, "no-safety-net",
     "The main risk right now is that the vendor's personal key can move money and never "
     "expires.",
     "The main risk today is speed, so the agent keeps a personal key that will never "
     "expire."),
]

ALL_READINGS = READINGS + READINGS_7 + READINGS_8


@pytest.mark.parametrize(("question_id", "flag", "not_a_plan", "plan"), ALL_READINGS)
def test_a_cue_that_is_not_the_candidates_plan_raises_nothing(
        question_id: str, flag: str, not_a_plan: str, plan: str) -> None:
    assert flag not in flags_raised(question_id, not_a_plan)


@pytest.mark.parametrize(("question_id", "flag", "not_a_plan", "plan"), ALL_READINGS)
def test_the_same_harm_as_the_candidates_plan_still_raises_it(
        question_id: str, flag: str, not_a_plan: str, plan: str) -> None:
    assert flag in flags_raised(question_id, plan)


def test_a_condition_followed_by_the_candidates_own_step_is_a_plan() -> None:
    """After "once ..." the candidate's "we" opens the plan, and a consequence said of the
    system is a design rule, not a risk weighed."""
    assert "no-safety-net" in flags_raised(
        KEYS, "Once a service registers we hand it a key that will never expire.")
    assert "no-safety-net" in flags_raised(KEYS, "Once a key is issued, it will never expire.")


def test_at_once_and_once_a_week_are_no_conditions() -> None:
    """"once" opens a condition, but "at once" and "once a week" do not."""
    assert "irreversible-without-exit" in flags_raised(
        REINDEX, "We move everyone at once, with no way back, to save the GPU days.")
    assert "irreversible-without-exit" in flags_raised(
        REINDEX, "We re-embed once a quarter and there is no way back for a team.")


def test_a_reported_verb_in_another_clause_leaves_the_candidates_words_alone() -> None:
    """Only the reported clause is someone else's: after a comma the candidate speaks."""
    assert "forced-by-mandate" in flags_raised(
        MANDATE_STORY, "The teams asked for help, but I decided there would be no exceptions.")


# pieces that, after a plan in the candidate's voice, must not turn it into a non-plan
_AFTER = ["she told me", "the issue is", "why it happened", "I found", "the request to",
          "main risk today is", "once", "if", "the VP said",
          '"', "\u201c", ",", ":", "and", "because", "cost", "two weeks", "teams", "the old"]
_PLANS = [(GATEWAY, "personal-data-exposed", "I'd log everything"),
          (KEYS, "no-safety-net", "We'd give every service a key that will never expire"),
          (REINDEX, "irreversible-without-exit", "I'd delete the old system on Monday")]


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(_PLANS), st.lists(st.sampled_from(_AFTER), max_size=12))
def test_what_follows_a_plan_never_sets_it_aside(plan: tuple[str, str, str],
                                                  after: list[str]) -> None:
    """The readings look before the cue (a reporting verb, a problem named, a condition) or
    around it (quotation marks, which a committed plan ignores), so nothing said after a plan
    in the candidate's voice can hide it."""
    question_id, flag, said = plan
    assert flag in flags_raised(question_id, f"{said} {' '.join(after)}.")


