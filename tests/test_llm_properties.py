"""Properties of everything that reads what a model server sends: it never raises anything
but the one error it documents, and its work is bounded whatever the reply holds."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interviewer.library import Library
from interviewer.llm import evidence, grading, injection
from interviewer.llm.completion import Malformed, parse_completion
from interviewer.llm.context import (
    context_from_error,
    context_from_models,
    context_from_props,
    is_context_error,
)
from interviewer.llm.grading import build_grade
from interviewer.llm.guard import check_turn, length_cap, sentence_pieces
from interviewer.llm.schema import MAX_QUOTE_CHARS, MAX_QUOTES, BadVerdict, parse_verdict
from interviewer.models.base import Exchange, GradeRequest
from tests.conftest import write_mini_library

SETTINGS = settings(max_examples=150, deadline=None, derandomize=True,
                    suppress_health_check=list(HealthCheck))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=6)
    | st.dictionaries(st.text(max_size=12), children, max_size=6), max_leaves=30)


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    from interviewer.library import load_library
    return load_library(write_mini_library(tmp_path_factory.mktemp("lib")))


def _request(library: Library, answer: str) -> GradeRequest:
    q = next(iter(library.questions.values()))
    return GradeRequest.for_question(q, library.rubric_for(q),
                                     [Exchange(prompt=q.text, answer=answer)])


@SETTINGS
@given(body=st.binary(max_size=2000), kind=st.sampled_from(["application/json", "text/html",
                                                              "", "application/json; x"]))
def test_any_body_is_a_completion_or_malformed(body: bytes, kind: str) -> None:
    try:
        text, usage = parse_completion(body, kind)
    except Malformed:
        return
    assert isinstance(text, str) and (usage is None or isinstance(usage, dict))


@SETTINGS
@given(data=json_values)
def test_any_json_body_is_a_completion_or_malformed(data: object) -> None:
    try:
        text, _ = parse_completion(json.dumps(data).encode(), "application/json")
    except Malformed:
        return
    assert isinstance(text, str)


@SETTINGS
@given(reply=st.text(max_size=3000) | json_values.map(json.dumps))
def test_any_grading_reply_parses_or_says_what_is_wrong(reply: str, library: Library) -> None:
    rubric = next(iter(library.rubrics.values()))
    try:
        parse_verdict(reply, rubric)
    except BadVerdict as exc:
        assert 0 < len(str(exc)) < 1500


@SETTINGS
@given(quotes=st.lists(st.text(max_size=900), max_size=40),
       injected=st.lists(st.text(max_size=60), max_size=40),
       flag=st.booleans(), answer=st.text(min_size=1, max_size=600))
def test_any_verdict_is_checked_with_bounded_work(quotes: list[str], injected: list[str],
                                                  flag: bool, answer: str, library: Library,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    request = _request(library, answer)
    ids = request.rubric.criterion_ids
    content = {"instructions_to_grader": flag, "injected_text": injected, "missed": [],
               "criteria": {cid: {"evidence": quotes, "reasoning": "r", "score": 4,
                                  "feedback": "f", "missing": ""} for cid in ids}}
    verdict = parse_verdict(json.dumps(content), request.rubric)
    calls: list[str] = []
    real = evidence.locate

    def counting(quote: str, text: str) -> evidence.Quote | None:
        calls.append(quote)
        assert len(quote) <= MAX_QUOTE_CHARS
        return real(quote, text)

    monkeypatch.setattr(evidence, "locate", counting)
    monkeypatch.setattr(grading, "locate", counting)
    grade = build_grade(verdict, request, "openai:x")
    assert len(calls) <= MAX_QUOTES * (len(ids) + 1)
    for c in grade.criteria:
        assert all(q in answer for q in c.evidence)  # only the candidate's own characters
        assert c.score <= 2 or c.evidence
    if flag:  # the model's own flag is honoured even when code finds nothing
        assert grade.flags == ["instructions-to-grader"]


@SETTINGS
@given(quote=st.text(max_size=200), answer=st.text(max_size=800))
def test_locating_a_quote_never_raises_and_returns_the_answers_own_text(
        quote: str, answer: str) -> None:
    hit = evidence.locate(quote, answer)
    if hit is not None:
        assert answer[hit.start:hit.end] == hit.text
        assert len(evidence.fold(quote.strip())[0].split()) >= evidence.MIN_QUOTE_WORDS


@SETTINGS
@given(answer=st.text(max_size=2000))
def test_injection_spans_stay_inside_the_answer(answer: str) -> None:
    for start, end in injection.injected_spans(answer):
        assert 0 <= start <= end <= len(answer)


@SETTINGS
@given(turn=st.text(max_size=3000), seed=st.text(min_size=1, max_size=300),
       answers=st.lists(st.text(max_size=300), max_size=3))
def test_any_turn_is_shown_or_rejected_with_a_reason(turn: str, seed: str,
                                                     answers: list[str]) -> None:
    why = check_turn(turn, seed, answers)
    if why is None:
        assert 0 < len(turn.strip()) <= length_cap(seed)
    else:
        assert why and len(why) < 300
    assert "".join(sentence_pieces(turn)) == turn


@SETTINGS
@given(data=json_values, text=st.text(max_size=500))
def test_context_readers_never_raise(data: object, text: str) -> None:
    for size in (context_from_props(data), context_from_models(data, "m"),
                 context_from_error(text)):
        assert size is None or size > 0
    is_context_error(text)

