"""The static part of every prompt (a system message) is rendered and counted once per
distinct input, and never stands in for a prompt built from different input."""

from __future__ import annotations

import pytest

from interviewer import tokens
from interviewer.library import Library, default_library
from interviewer.llm.prompts import grader_messages, interviewer_messages
from interviewer.models.base import Exchange, GradeRequest, TurnRequest


def _grade_request(library: Library, index: int = 0, **update: object) -> GradeRequest:
    q = list(library.questions.values())[index]
    request = GradeRequest.for_question(q, library.rubric_for(q),
                                        [Exchange(prompt="Why?", answer="Because of users.")])
    return request.model_copy(update=update)


def _system(messages: list[dict[str, str]]) -> str:
    assert messages[0]["role"] == "system"
    return messages[0]["content"]


def test_the_library_hands_out_one_rubric_per_question_and_its_own_to_a_changed_copy() -> None:
    library = default_library()
    q = next(iter(library.questions.values()))
    assert library.rubric_for(q) is library.rubric_for(q)
    other = next(t for t in library.rubrics if t != q.topic)
    moved = q.model_copy(update={"topic": other})
    assert library.rubric_for(q).topic == q.topic
    assert library.rubric_for(moved).topic == other


def test_a_repeated_grader_system_message_is_the_same_text() -> None:
    library = default_library()
    first = _system(grader_messages(_grade_request(library), [], 0, "answer-a", None))
    again = _system(grader_messages(_grade_request(library), [], 0, "answer-b", None))
    assert first is again


@pytest.mark.parametrize("update", [
    {"level_bar": "A bar no library level says, for this test only."},
    {"question_text": "A question text made up for this test only, unlike any other?"},
    {"weak_answers": ["A weak answer made up for this test only."]},
])
def test_a_grader_system_message_from_other_input_is_rendered_anew(update: dict) -> None:
    library = default_library()
    cached = _system(grader_messages(_grade_request(library), [], 0, "answer-a", None))
    other = _system(grader_messages(_grade_request(library, **update), [], 0, "answer-a", None))
    made_up = update[next(iter(update))]
    assert (made_up[0] if isinstance(made_up, list) else made_up) in other
    assert other != cached


def test_a_rubric_with_other_content_is_rendered_with_that_content() -> None:
    library = default_library()
    request = _grade_request(library)
    _system(grader_messages(request, [], 0, "answer-a", None))
    renamed = request.rubric.model_copy(update={"name": "A rubric renamed for this test"})
    text = _system(grader_messages(request.model_copy(update={"rubric": renamed}), [], 0,
                                   "answer-a", None))
    assert "A rubric renamed for this test" in text


def test_the_interviewer_system_message_follows_its_question() -> None:
    library = default_library()
    questions = list(library.questions.values())[:2]
    texts = [_system(interviewer_messages(
        TurnRequest(kind="question", question=q, rubric=library.rubric_for(q), seed_text=q.text),
        [], 0, "answer-a")) for q in questions]
    assert questions[0].text in texts[0] and questions[1].text in texts[1]


def test_a_system_message_is_counted_once_however_many_turns_follow(
        monkeypatch: pytest.MonkeyPatch) -> None:
    system = _system(grader_messages(_grade_request(default_library(), 1), [], 0, "a", None))
    messages = [{"role": "system", "content": system}, {"role": "user", "content": "Hello"}]
    encoding = tokens.get_encoding("cl100k_base")
    expected = (tokens.REPLY_PRIMING + 2 * tokens.MESSAGE_OVERHEAD
                + len(encoding.encode(system)) + len(encoding.encode("Hello")))
    assert tokens.count_messages(messages, "fake-gpt") == expected
    for n in range(tokens.count_tokens.cache_info().maxsize + 10):  # a busy server's turns
        tokens.count_tokens(f"answer {n}", "fake-gpt")

    def no_tokenizer(name: str) -> None:
        raise AssertionError(f"the system message was counted again ({name})")

    monkeypatch.setattr(tokens, "get_encoding", no_tokenizer)
    assert tokens.count_messages(messages[:1], "fake-gpt") == (
        expected - tokens.MESSAGE_OVERHEAD - len(encoding.encode("Hello")))


@pytest.mark.parametrize("encoding", ["cl100k_base", "o200k_base"])
def test_counting_a_system_message_by_paragraphs_is_exact_for_the_whole_library(
        encoding: str) -> None:
    library = default_library()
    model = "gpt-4o" if encoding == "o200k_base" else "fake-gpt"
    whole = tokens.get_encoding(encoding)
    levels = sorted(library.levels)
    for n, q in enumerate(library.questions.values()):
        rubric = library.rubric_for(q)
        level = levels[n % len(levels)]
        grade = GradeRequest.for_question(q, rubric, [], "", level, library.levels[level].bar)
        turn = TurnRequest(kind="question", question=q, rubric=rubric, seed_text=q.text)
        for text in (_system(grader_messages(grade, [], 0, "a", None)),
                     _system(interviewer_messages(turn, [], 0, "a"))):
            assert len(tokens.PARAGRAPHS.split(text)) > 5
            assert tokens.count_static(text, model) == len(whole.encode(text))
