"""Red-flag frames: a harmful plan said in the candidate's own words is the conjunction of an
act, what it acts on and how firmly ("we delete the old jobs on day one"), in any order and in
any of the words each part allows (rubrics/common.yaml). A frame raises its flag only as a
plan in the candidate's voice; a warning, a rejection, a judged option or what someone else
did raises nothing. Each proposal has a rejection beside it.

The sentences are written here, not copied from the labelled sets."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from interviewer.library import FRAME_ALTERNATIVE, FRAME_JOIN, RedFlag, default_library
from interviewer.offline.red_flags import _frames
from tests.question_flags import (
    assert_every_hit_quoted_and_held,
    assert_raised_and_held,
    flags_raised,
)

QUESTION = "idp-ci-runner-fair-share"

PROPOSED = [
    ("no-safety-net", "We shut down the old scheduler on day one so every team commits to "
                      "the new one."),
    ("no-safety-net", "I'd remove the existing build scripts the same week, so nobody can "
                      "drift back to them."),
    ("no-safety-net", "We deleted the old runner pool the same week, so there was no "
                      "temptation to go back."),
    ("forced-by-mandate", "I would tell the teams that every service has to run on the new "
                          "runners by the end of the quarter."),
    ("forced-by-mandate", "All teams must be on the shared pipeline by next month, and I'll "
                          "report who is late."),
    ("changed-without-notice", "We flip every team to the new quotas overnight on the first "
                               "of the month."),
    ("changed-without-notice", "Then I'd move all repositories to the new runners in one go "
                               "over the weekend."),
    # a safeguard denied is no safeguard
    ("changed-without-notice", "We move every team to the new runners over the weekend, with "
                               "no fallback to the old fleet."),
]

NOT_PROPOSED = [
    # a negation in the frame's clause
    ("no-safety-net", "We would never shut down the old scheduler on day one; it runs until "
                      "the last team has moved."),
    ("no-safety-net", "We keep the old runners side by side and turn them off only after "
                      "every team has moved, never on day one."),
    # judged: a word of harm beside it, or a gerund subject put up to be judged
    ("no-safety-net", "Deleting the old scripts on day one is tempting, but it leaves teams "
                      "nothing to fall back to."),
    ("no-safety-net", "We deleted the old runner pool the same week, which was a mistake we "
                      "paid for in outages."),
    # refused with "instead of" / "rather than"
    ("changed-without-notice", "Instead of moving every team overnight, we move one team a "
                               "week and watch their queue times."),
    ("forced-by-mandate", "Rather than saying every team must switch by the end of the "
                          "quarter, I'd earn the move with faster builds."),
    # someone else did it, and the candidate is not the actor
    ("changed-without-notice", "The vendor switched all customers over the weekend, and "
                               "support queues tripled."),
    # a safeguard the plan keeps
    ("no-safety-net", "We shut down the old scheduler on day one, with a rollback to it "
                      "rehearsed beforehand."),
    ("changed-without-notice", "We move every team to the new runners over the weekend, with "
                               "the old fleet kept as a fallback for a month."),
]


def _raised(answer: str) -> set[str]:
    return flags_raised(QUESTION, answer)


@pytest.mark.parametrize(("flag", "answer"), PROPOSED)
def test_a_firm_plan_in_the_candidates_voice_raises_the_frames_flag(flag: str,
                                                                    answer: str) -> None:
    assert_raised_and_held(QUESTION, flag, answer)


@pytest.mark.parametrize(("flag", "answer"), NOT_PROPOSED)
def test_a_warning_rejection_or_someone_elses_act_raises_nothing(flag: str,
                                                                  answer: str) -> None:
    assert flag not in _raised(answer)


def test_every_part_of_a_frame_must_be_said() -> None:
    """Two parts of three are a different sentence: removing the old scripts once teams have
    moved is the migration done right."""
    assert "no-safety-net" not in _raised("We remove the old build scripts once every team "
                                          "has moved and the new runners have held for a month.")
    assert "forced-by-mandate" not in _raised("Every team has to know why the queue is slow, "
                                              "so each job page says what it waits for.")


def test_the_shipped_frames_compile_into_parts_of_alternatives() -> None:
    """Every frame in the library has at least two parts, each with at least one phrase, so
    a typo such as a missing alternative cannot make a frame match every sentence."""
    library = default_library()
    flags = [f for r in library.rubrics.values() for f in r.red_flags]
    written = [c for f in flags for c in f.cues if FRAME_JOIN in c]
    assert written
    for cue in written:
        (frame,) = _frames((cue,))
        assert len(frame) == len(cue.split(FRAME_JOIN)) >= 2
        # each part holds its written alternatives, and their kin from the lexicon
        assert all(len(part) >= len([a for a in p.split(FRAME_ALTERNATIVE) if a.strip()])
                   for part, p in zip(frame, cue.split(FRAME_JOIN), strict=True))


_PIECES = ["we", "I'd", "never", "not", "instead of", "the old", "existing", "every team",
           "all", "has to", "must", "by the end of the quarter", "on day one", "the same week",
           "delete", "shut down", "move", "overnight", "in one go", "tempting", "mistake",
           "no", "temptation", ",", ";", ".", "\n", "Deleting", "The vendor switched"]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40))
def test_frames_on_any_text_quote_a_sentence_of_the_answer(pieces: list[str]) -> None:
    assert_every_hit_quoted_and_held(QUESTION, " ".join(pieces))


@pytest.mark.parametrize("cue", ["delete|remove + ", "delete| + old", "delete|remove|old",
                                 " + on day one"])
def test_a_frame_with_an_empty_part_is_refused_with_the_cue_named(cue: str) -> None:
    """An empty part or alternative would match every sentence; `interviewer check` loads
    the flags through this model, so a PM who mistypes a frame is told which one."""
    with pytest.raises(ValidationError, match="frame"):
        RedFlag(id="x-flag", name="Example", what="An example of a flag.", criterion="topic",
                cap=2, why="An example of why it hurts.", cues=["a plain cue", cue])
    assert RedFlag(id="x-flag", name="Example", what="An example of a flag.", criterion="topic",
                   cap=2, why="An example of why it hurts.",
                   cues=["c++ sdk", "delete|remove + old"]).cues[1] == "delete|remove + old"


# Frames for harm in general words (rubrics/common.yaml, rubrics/versioning.yaml): personal data
# logged in full, the old thing replaced in the same release, a safeguard declared unneeded,
# and a word of harm the candidate denies ("so the pipeline never breaks"), which is their
# reason for the plan, not a warning against it. Each proposal has its rejection beside it.
MORE_PROPOSED = [
    ("personal-data-exposed", "I would turn on full request logging at the edge, including "
                              "each user's email and phone number, so support can search it."),
    ("personal-data-exposed", "We dump the raw sign-in payload, passwords included, into the "
                              "debug channel for the whole company."),
    ("no-safety-net", "We replace the old job API in the same release, so there is only one "
                      "model to maintain."),
    ("no-safety-net", "There is no need for a rollback, because the new runners are tested."),
    ("no-safety-net", "We bake one runner key into the image and it never expires, so the "
                      "pipeline never breaks on a rotated credential."),
]
MORE_NOT_PROPOSED = [
    ("personal-data-exposed", "We log the full request body with passwords and emails "
                              "redacted at the collector."),
    ("personal-data-exposed", "We never log the raw payload or any card number, only the "
                              "event type and a hashed user id."),
    ("personal-data-exposed", "If we ever log a raw payload with card numbers, the scanner "
                              "pages security within minutes."),
    ("no-safety-net", "We keep the old job API for a year rather than replace it in the same "
                      "release."),
    ("no-safety-net", "Nobody should say there is no need for a rollback; we rehearse one."),
    ("no-safety-net", "A runner key that never expires is dangerous, so keys rotate weekly."),
]


@pytest.mark.parametrize(("flag", "answer"), MORE_PROPOSED)
def test_harm_in_general_words_raises_its_flag(flag: str, answer: str) -> None:
    assert_raised_and_held(QUESTION, flag, answer)


@pytest.mark.parametrize(("flag", "answer"), MORE_NOT_PROPOSED)
def test_the_same_harm_refused_made_safe_or_judged_raises_nothing(flag: str,
                                                                   answer: str) -> None:
    assert flag not in _raised(answer)


def test_a_value_replaced_in_place_is_a_breaking_change_and_additive_fields_are_not() -> None:
    """Versioning's frame names what replaces a meaning under the same name; shipping an
    additive field in place is the migration done right."""
    question = "api-versioning-scheme-payments"
    flag = "breaking-change-in-place"
    proposed = "We replace the amount's meaning in place under v1 so nobody has to migrate."
    assert flag in flags_raised(question, proposed)
    for fine in ["We ship additive fields in place under v1; a changed meaning gets a new "
                 "version.", "Rather than overwrite the field in place, we add a new one."]:
        assert flag not in flags_raised(question, fine), fine


@pytest.mark.parametrize(("question", "flag", "proposed", "fine"), [
    # an API's field given a new meaning under the same name
    ("api-payments-create-idempotency", "breaking-change-in-place",
     "We repurpose the status field in place so clients get the richer values at once.",
     "We add the richer values as a new field and never repurpose the old one in place."),
    # new limits switched on for everyone with no time to adapt
    ("api-sms-tiered-rate-limits", "limits-without-notice",
     "We switch on the new per-tenant quotas tomorrow for every plan, largest tenants first.",
     "We switch on the new per-tenant quotas after three months' notice, largest tenants "
     "last."),
])
def test_a_topics_own_frame_fires_on_the_plan_and_not_on_its_safe_form(
        question: str, flag: str, proposed: str, fine: str) -> None:
    assert flag in flags_raised(question, proposed)
    assert flag not in flags_raised(question, fine)


@pytest.mark.parametrize(("flag", "proposed", "refused"), [
    # a credential handed out with no end
    ("no-safety-net", "We give every CI job a deploy key with no expiry, so builds never break "
                      "on a rotation.",
     "Each key we issue expires after 90 days; none is valid forever."),
    ("no-safety-net", "We issue each vendor a token that stays valid forever.",
     "We found old keys with no expiry in the audit and rotated them that week."),
    # a consequence of the path not taken ("would have" + a participle) is no plan; "would
    # have" + someone doing something is
    ("forced-by-mandate", "We tell them every team has to move to the shared runners by the "
                          "end of the quarter.",
     "I chose a new field over a version bump, which would have meant every team had to move "
     "by the end of the quarter."),
    ("personal-data-exposed", "I would have the login service log every request with the "
                              "full phone number and email.",
     "Logging the raw request was ruled out: we would have exposed every phone number and "
     "email in full."),
])
def test_a_general_frame_fires_on_the_plan_and_not_on_its_refusal(flag: str, proposed: str,
                                                                  refused: str) -> None:
    assert flag in _raised(proposed), proposed
    assert flag not in _raised(refused), refused


def test_a_plain_cue_on_the_path_not_taken_raises_nothing() -> None:
    assert "no-safety-net" in _raised("To save a day we deployed without a review.")
    assert "no-safety-net" not in _raised("We kept the second reviewer; otherwise we would "
                                          "have deployed without a review.")


@pytest.mark.parametrize(("flag", "answer"), [
    # the act in a clause of its own, apart from what the frame's other parts say
    ("no-safety-net", "In the same release we add the new field and mark the old one "
                      "deprecated, and we remove it after six months."),
    ("no-safety-net", "We ship v2 and, in the same release, add a Sunset header to every old "
                      "v1 response; v1 is removed a year later."),
])
def test_a_frame_whose_act_stands_apart_from_its_other_parts_raises_nothing(
        flag: str, answer: str) -> None:
    assert flag not in _raised(answer), answer


@pytest.mark.parametrize(("flag", "answer"), [
    # the tightest way to match the parts: "the same release", not "the same ... day" reaching
    # into the next clause
    ("no-safety-net", "We replaced the old job API in the same release: the day it launched, "
                      "old calls started failing."),
    # a short aside belongs to its clause, and a list may run on past a comma
    ("breaking-change-in-place", "We redefined the amount as net of fees, in place, same "
                                 "field name."),
    ("personal-data-exposed", "I would turn on full request logging at the edge: every raw "
                              "event, including each user's email and phone number."),
])
def test_a_frame_said_across_an_aside_or_a_list_still_raises_its_flag(flag: str,
                                                                      answer: str) -> None:
    question = "api-versioning-scheme-payments" if flag == "breaking-change-in-place" \
        else QUESTION
    assert flag in flags_raised(question, answer), answer
