"""Kin of a red flag's words (`frame_kin` and `cue_kin` in prompts/offline/lexicon.yaml): a
frame written once with "switch" also reads "turn on" and "flip on"; one written
with "by the end of the" also reads "by the last day of"; one written with "password" also
reads "bank account" and "national id". The kin widen the words, never the reading: each
proposal below has the same words beside it said as a warning, a rejection, a condition or a
plan made safe, which raises nothing.

The sentences are written here, not copied from the labelled sets."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from interviewer.offline.lexicon import CUE_KIN, FRAME_KIN, kin_groups, load_lexicon
from interviewer.offline.red_flags import _cue_kin, _with_kin
from tests.question_flags import (
    assert_every_hit_quoted_and_held,
    assert_raised_and_held,
    flags_raised,
)

QUESTION = "idp-ci-runner-fair-share"

PROPOSED = [
    # switching on, said as "turn on" / "flip on" / "switch on"
    ("changed-without-notice", "We would turn it on for all 300 repositories at once at "
                               "the start of next month."),
    ("changed-without-notice", "I'd flip on the new runner pool for every team overnight, so "
                               "nobody is left on the old one."),
    ("changed-without-notice", "We switch on the new scheduler for everybody in one go on "
                               "Monday."),
    # a decree said with another deadline and another "must"
    ("forced-by-mandate", "Our rule will be that all teams are required to move their "
                          "pipelines to the shared runners by the last day of the quarter."),
    ("forced-by-mandate", "We'd tell them every service must be on the new build image no "
                          "later than March."),
    # the old thing taken away at once, said as "decommission" or "drop"
    ("no-safety-net", "We decommission the legacy runners the same week the new pool goes "
                      "live."),
    # personal data in full, said with other kinds of personal data
    ("personal-data-exposed", "I'd turn on full request logging for the payroll jobs, "
                              "including each employee's bank account and salary, so support "
                              "can search it."),
    ("personal-data-exposed", "We export the raw customer table, national id numbers and all, "
                              "to the analytics bucket every night."),
    # a credential that never ends, said as "indefinitely"
    ("no-safety-net", "We issue each CI vendor a token that stays valid indefinitely, so "
                      "their integration never breaks."),
    # a plain cue, said with its kin: "no review step" as "no sign-off step"
    ("no-safety-net", "Deploys go straight to production with no manual sign-off step, which "
                      "is where the delays come from."),
]

NOT_PROPOSED = [
    ("changed-without-notice", "We would never turn the new quota on for all repositories at "
                               "once; one team a week, with the old limits as a fallback."),
    ("changed-without-notice", "Instead of flipping on the new pool for every team overnight, "
                               "we move one team a week and watch queue times."),
    ("changed-without-notice", "We switch on the new scheduler for everybody in one go, after "
                               "a two-week pilot and a month's notice."),
    # an additive change breaks nobody (a safeguard word, like a fallback or a pilot)
    ("changed-without-notice", "We turn on the additive fields for all teams at once."),
    ("forced-by-mandate", "Rather than saying all teams are required to move by the last day "
                          "of the quarter, I'd earn the move with faster builds."),
    ("no-safety-net", "Decommissioning the legacy runners the same week is tempting, but it "
                      "leaves teams nothing to fall back to."),
    ("personal-data-exposed", "We log the full request for the payroll jobs with bank account "
                              "and salary fields masked at the collector."),
    ("personal-data-exposed", "We never export the raw customer table or any national id "
                              "number; analysts get an aggregated view."),
    ("no-safety-net", "A token that stays valid indefinitely is dangerous, so vendor tokens "
                      "expire after an hour."),
    ("no-safety-net", "Skipping the sign-off step would be a mistake, so every schema change "
                      "waits for a second reviewer."),
]


def _raised(answer: str) -> set[str]:
    return flags_raised(QUESTION, answer)


@pytest.mark.parametrize(("flag", "answer"), PROPOSED)
def test_a_harm_said_in_a_kin_word_raises_the_flag(flag: str, answer: str) -> None:
    assert_raised_and_held(QUESTION, flag, answer)


@pytest.mark.parametrize(("flag", "answer"), NOT_PROPOSED)
def test_the_same_kin_words_as_a_warning_or_made_safe_raise_nothing(flag: str,
                                                                    answer: str) -> None:
    assert flag not in _raised(answer)


def test_kin_reach_no_further_than_the_frame_needs() -> None:
    """Two parts of three are not the harm: turning a pool on for every team, with no word of
    when, is how a good rollout ends; "shipped to all users at once" has no act of the frame's
    ("apply" stems to "app", so it is not kin: "the app team" would read as an act)."""
    assert "changed-without-notice" not in _raised(
        "When the first teams are happy, we turn on the new runner pool for every team.")
    assert "changed-without-notice" not in _raised(
        "We shipped it to all users at once because the app team had a release date.")


def test_a_frame_part_keeps_its_own_words_first_and_adds_its_kin() -> None:
    kin = _with_kin(["switch", "repoint"])
    assert kin[:2] == ["switch", "repoint"]
    assert {"turn on", "flip on", "switch on"} <= set(kin)
    assert len(kin) == len(set(kin))
    assert _with_kin(["no such phrase"]) == ["no such phrase"]


def test_a_plain_cue_swaps_one_phrase_and_never_shrinks_to_a_bare_kin_word() -> None:
    assert _cue_kin("no review step") == ["no review step", "no sign off step"]
    assert _cue_kin("review") == ["review"]  # a cue that is only a kin phrase stays as written
    assert _cue_kin("nothing to swap here") == ["nothing to swap here"]


def test_kin_groups_are_symmetric() -> None:
    """A phrase stands for every phrase of its group, and each of those for it."""
    for table in (FRAME_KIN, CUE_KIN):
        for phrase, kin in table.items():
            assert phrase in kin
            assert all(phrase in table[other] for other in kin)


@pytest.mark.parametrize("groups", [[["alone"]], [["ok", ""]], [["a|b", "c"]],
                                    [["x + y", "z"]]])
def test_a_group_of_one_or_with_frame_separators_is_refused(groups: list[list[str]]) -> None:
    with pytest.raises(ValueError, match="kin|plain phrase"):
        kin_groups(groups)


def test_the_lexicon_refuses_a_bad_kin_group(tmp_path) -> None:
    """`interviewer check` loads the lexicon through its model, so a PM who leaves a group with
    one phrase is told so."""
    import yaml

    from interviewer.offline.lexicon import default_path

    data = yaml.safe_load(default_path().read_text(encoding="utf-8"))
    data["frame_kin"].append(["lonely"])
    bad = tmp_path / "lexicon.yaml"
    bad.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises((ValidationError, ValueError), match="lonely"):
        load_lexicon(bad)


_PIECES = ["we", "I'd", "never", "instead of", "the legacy", "all teams", "everybody",
           "are required to", "by the last day of", "turn on", "enable", "roll out",
           "decommission", "at once", "overnight", "bank account", "raw", "export", "masked",
           "indefinitely", "token", "no manual sign-off step", "tempting", ",", ".", "\n"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40))
def test_kin_on_any_text_quote_a_sentence_of_the_answer(pieces: list[str]) -> None:
    assert_every_hit_quoted_and_held(QUESTION, " ".join(pieces))


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=60))
def test_any_cue_text_keeps_itself_first(cue: str) -> None:
    variants = _cue_kin(cue)
    assert variants[0] == cue and len(variants) == len(set(variants))


# The words of a message the candidate sends are the candidate's plan: "I'd send the memo on
# Friday. It would state that ..." (`own_message` in the lexicon), for frames as for "I"/"we".
MESSAGE_PROPOSED = [
    "I'd send the memo on Friday. It would state that all teams must move their pipelines to "
    "the shared runners by the last day of the quarter.",
    "The announcement will say every team has to be on the new runners by next month.",
]
MESSAGE_NOT_PROPOSED = [
    # a warning, the same words
    "It would be a mistake to say every team has to be on the new runners by next month.",
    # not a message the candidate sends: a fact about the world, in no one's voice
    "It is usual in a reorganisation that every team has to move by the end of the quarter.",
    # the message refuses the decree
    "The memo will say that no team must move by the end of the quarter; each moves when "
    "the runners meet its needs.",
]


@pytest.mark.parametrize("answer", MESSAGE_PROPOSED)
def test_a_decree_in_the_candidates_own_message_raises_the_flag(answer: str) -> None:
    assert_raised_and_held(QUESTION, "forced-by-mandate", answer)


@pytest.mark.parametrize("answer", MESSAGE_NOT_PROPOSED)
def test_a_message_that_warns_or_refuses_raises_nothing(answer: str) -> None:
    assert "forced-by-mandate" not in _raised(answer)
