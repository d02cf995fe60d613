"""Off-topic essays: fluent text on a neighbouring subject that reuses the question's nouns is
held to 1.5 and flagged, while a strong answer in plain everyday words is not."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from interviewer.library import default_library
from interviewer.models.base import Exchange, GradeRequest
from interviewer.offline.analysis import LEANING, question_stems, read_answer
from interviewer.offline.grader import (
    ACTING,
    OFF_TOPIC_FLAG,
    OFF_TOPIC_RELEVANCE,
    _own_words_on_topic,
    grade_answer,
)
from interviewer.offline.matching import compiled
from interviewer.offline.off_topic import proposes_nothing

QUESTION = "idp-ci-runner-fair-share"

# The history and habits of continuous integration: the question's nouns (runners, build
# minutes, the monorepo, queues, teams), but nobody in it decides anything about this fleet.
ESSAY = (
    "Continuous integration began as a discipline more than a tool. In the early days a build "
    "server sat under someone's desk and ran the whole test suite overnight, and a broken "
    "build was discovered the next morning.\n\n"
    "Hosted runners changed the economics. Build minutes became a metered resource, and "
    "companies that had once bought a few machines now paid for every minute a job waited or "
    "ran. Queues became visible in a way they had never been on a single shared server.\n\n"
    "The monorepo movement added its own pressure. Large repositories tend to run far more "
    "tests per change, and the tooling that grew around them, such as remote caching and "
    "dependency-aware test selection, was invented precisely because naive pipelines did not "
    "scale.\n\n"
    "Today most engineering organisations treat CI capacity as shared infrastructure, and "
    "the debates about it are as much cultural as technical."
)

# A strong answer in everyday words: few of the outline's terms, but it acts on the scenario.
PLAIN = (
    "First I'd get the facts: how long each team waits, at what hours, and which jobs eat the "
    "minutes. If the monorepo team runs every test on every change with no caching, that is "
    "waste we can fix, not a fair use of the budget.\n\n"
    "Then I'd give every team a guaranteed slice of the runners, and let anyone borrow slices "
    "that sit idle, so nobody waits behind one big team and no runner sits empty. Urgent "
    "fixes and release branches get a fast lane, but only a few people can mark a job urgent, "
    "or everything becomes urgent.\n\n"
    "Every team sees its own usage and waiting time on a page, and a queued job says why it "
    "is waiting. We warn a team when it gets close to its share.\n\n"
    "I would also help the monorepo team run only the tests a change touches, which cuts "
    "their minutes without cutting their work. Finally I'd compare buying more runner minutes "
    "with the engineering hours lost to waiting, and recommend whichever is cheaper for the "
    "company, checking waiting times again after a month."
)


def _request(answer: str) -> GradeRequest:
    library = default_library()
    q = library.question(QUESTION)
    return GradeRequest.for_question(q, library.rubric_for(q),
                                     [Exchange(prompt=q.text, answer=answer)])


def test_an_essay_on_a_neighbouring_subject_is_off_topic_and_held_to_one_and_a_half() -> None:
    grade = grade_answer(_request(ESSAY))
    assert OFF_TOPIC_FLAG in grade.flags
    assert grade.overall <= 1.5


def test_a_strong_answer_in_plain_words_is_not_off_topic() -> None:
    grade = grade_answer(_request(PLAIN))
    assert OFF_TOPIC_FLAG not in grade.flags
    assert grade.overall >= 2.5


# A design written as a spec, in the third person: nobody in it says "I" or "we", yet it
# answers the question point by point (the questions17 author's report: such an answer read 1.1).
SPEC_QUESTION = "ml-gateway-streaming-responses"
SPEC = (
    "Streaming is opt-in: the existing endpoint keeps returning the whole answer, and a new "
    "stream=true parameter switches the response to server-sent events. The stream carries "
    "typed events: a text chunk with its index, a final event with the finish reason and token "
    "usage, and an error event. A stream counts as complete only when the final event arrives; "
    "a client that sees the connection close without it treats the answer as cut off. Finish "
    "reasons are completed, length, blocked by the safety filter and provider error. The safety "
    "filter runs on each chunk as it is written; when it blocks mid-answer, the gateway sends a "
    "blocked event telling the client to withdraw the text already shown. Usage is counted by "
    "the gateway itself, per team key, including streams that were cut off, so finance gets "
    "every call. The SDK wraps the events in an iterator, and a test mode lets engineers force "
    "a block or a provider failure after N chunks. The trade-off: filtering per chunk means a "
    "user may briefly see text that is then withdrawn, but waiting for the full answer brings "
    "back the 8 to 15 second spinner."
)


def test_a_design_written_as_a_third_person_spec_is_not_an_essay() -> None:
    library = default_library()
    q = library.question(SPEC_QUESTION)
    grade = grade_answer(GradeRequest.for_question(q, library.rubric_for(q),
                                                   [Exchange(prompt=q.text, answer=SPEC)]))
    assert OFF_TOPIC_FLAG not in grade.flags
    assert grade.overall >= 2.5


def test_a_bullet_list_of_proposals_without_an_i_is_not_an_essay() -> None:
    bullets = ("- A guaranteed share of runners for each team, borrowed when idle.\n"
               "- A fast lane for release branches, limited to a few people.\n"
               "- A page showing each team's waiting time and usage.")
    request = _request(bullets)
    rubric = compiled(request.rubric)
    reading = read_answer(bullets, rubric, question_stems(request.question_text,
                                                          request.strong_answer))
    assert not proposes_nothing(bullets, reading)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400))
def test_any_text_is_graded_without_error_and_stays_on_the_scale(text: str) -> None:
    grade = grade_answer(_request(text))
    assert 1.0 <= grade.overall <= 4.0


def _reading(answer: str):
    request = _request(answer)
    rubric = compiled(request.rubric)
    return rubric, read_answer(answer, rubric, question_stems(request.question_text,
                                                             request.strong_answer))


def _dimmed(reading):
    """The same reading with no sentence found on the question (as plain words can leave it)."""
    return replace(reading, relevance=0.0,
                   sentences=tuple(replace(s, relevance=0.0) for s in reading.sentences))


def test_an_answer_in_its_own_words_is_never_read_as_mostly_off_the_question() -> None:
    """Plain words share few of the question's nouns, so the relevance measure can put a real
    answer below the off-topic line; acting on the scenario with the topic's concepts reads it
    as on the question where it acts, and an essay gets no such lift."""
    rubric, plain = _reading(PLAIN)
    assert _own_words_on_topic(_dimmed(plain), rubric).relevance >= OFF_TOPIC_RELEVANCE
    rubric, essay = _reading(ESSAY)
    assert _own_words_on_topic(_dimmed(essay), rubric).relevance == 0.0


def test_the_sentences_a_plain_answer_acts_in_lean_towards_the_question() -> None:
    """Depth counts a sentence fully only when it leans towards the question; in an answer in
    its own words every sentence in which the candidate acts does, however few of the
    question's nouns it uses, while the others keep their reading and an essay gains
    nothing."""
    rubric, plain = _reading(PLAIN)
    dimmed = _dimmed(plain)
    lifted = _own_words_on_topic(dimmed, rubric)
    for before, after in zip(dimmed.sentences, lifted.sentences, strict=True):
        acts = before.engaged >= ACTING and before.names_subject
        assert after.relevance == (LEANING if acts else 0.0)
    assert any(s.engaged >= ACTING for s in plain.sentences)
    assert lifted.depth > dimmed.depth
    rubric, essay = _reading(ESSAY)
    assert _own_words_on_topic(essay, rubric) is essay


def test_a_first_person_aside_on_another_subject_does_not_lean_towards_the_question() -> None:
    """Acting is not enough: the candidate must act on something of the question, the topic
    or platform work. A first-person aside that names none of them keeps its own (low)
    reading inside a plain answer, so padding still costs what it did."""
    aside = "On weekends I cook for my family and try a new recipe every month."
    rubric, padded = _reading(f"{PLAIN}\n\n{aside}")
    lifted = _own_words_on_topic(_dimmed(padded), rubric)
    last = lifted.sentences[-1]
    assert last.sentence.text == aside and last.engaged >= ACTING
    assert last.relevance == 0.0
    assert any(s.relevance == LEANING for s in lifted.sentences)


def test_the_plain_words_doubt_is_said_only_when_reading_them_changed_the_verdict() -> None:
    """The doubt says the answer shares few of the question's words and was graded as an answer
    anyway. It used to be said whenever the answer was read in its own words, also when the
    answer was on the question as first read: on the nine blind sets that was 907 of 1,788
    answers, whose grades erred less than the rest, so the scorecard called half of all grades
    uncertain for nothing. Among blind-tuning's honest answers on the question as first read,
    none carries it now."""
    from interviewer.calibration import _library_question, grade_request, load_set
    from interviewer.offline.confidence import PLAIN_WORDS_DOUBT
    from interviewer.offline.grader import OFF_TOPIC_RELEVANCE, PARTLY_RELEVANT, read_request
    from interviewer.paths import data_root

    items = [i for i in load_set(data_root() / "calibration" / "blind-tuning.jsonl")
             if i.kind == "honest" and i.label.overall >= 3]
    on_question = 0
    for item in items:
        rubric, outline = _library_question(item)
        request = grade_request(item, rubric, strong_answer=outline)
        read = read_request(request)
        if read.as_read.relevance < max(OFF_TOPIC_RELEVANCE, PARTLY_RELEVANT):
            continue
        on_question += 1
        assert PLAIN_WORDS_DOUBT not in grade_answer(request, read).uncertain, item.id
    assert on_question >= 30


def test_a_plain_speech_retelling_of_a_strong_story_is_graded_as_an_answer_with_doubt() -> None:
    """blind-holdout-2's h2p1-002: a label-4 story retold in everyday spoken words shares so
    few of the question's words that it read as off-topic (graded 1.0). It is an answer, and
    the scorecard says why the grade is less certain."""
    from interviewer.calibration import _library_question, grade_request, load_set
    from interviewer.offline.confidence import PLAIN_WORDS_DOUBT
    from interviewer.paths import data_root

    items = load_set(data_root() / "calibration" / "blind-holdout-2.jsonl")
    item = next(i for i in items if i.id == "h2p1-002")
    rubric, outline = _library_question(item)
    grade = grade_answer(grade_request(item, rubric, strong_answer=outline))
    assert OFF_TOPIC_FLAG not in grade.flags
    assert grade.overall >= 2.0
    assert PLAIN_WORDS_DOUBT in grade.uncertain
