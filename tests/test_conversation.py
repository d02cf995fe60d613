"""The interviewer's conversation: opening, acknowledgements that quote the answer, probes,
the close and its answers, all from prompts/conversation.yaml."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interviewer import conversation, engine
from interviewer.engine import AskFollowUp, AskQuestion, State, Turn
from interviewer.library import Library, load_library
from interviewer.models.offline import OfflineModel


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


@pytest.mark.parametrize(("answer", "quote"), [
    ("They get a 429 error.", "They get a 429 error"),
    # a figure makes the point; leading "and" is dropped
    ("I would ask the teams first. And cap each tenant at 500 requests a second, then alert.",
     "cap each tenant at 500 requests a second"),
    ("Use `rate_limit()` in **middleware**; see https://x.io/a?b=1 for details.",
     "see https"),
])
def test_the_quote_is_a_clean_phrase_from_the_answer(answer: str, quote: str) -> None:
    picked = conversation.pick_quote(answer)
    if quote == "see https":  # code, markdown and URLs never make a clean quote
        assert picked is None or ("`" not in picked and "*" not in picked and ":" not in picked)
    else:
        assert picked == quote


@pytest.mark.parametrize("answer", ["Yes.", "no", "42", "```\ncode\n```", ""])
def test_nothing_worth_quoting_gets_a_plain_acknowledgement(answer: str) -> None:
    said = conversation.acknowledgement(answer, 0)
    assert said in conversation.load_conversation().plain_acknowledgements


@given(st.text(max_size=600))
def test_a_quote_is_always_the_candidates_own_words_at_a_sensible_length(answer: str) -> None:
    quote = conversation.pick_quote(answer)
    if quote is None:
        return
    rules = conversation.load_conversation().quote
    assert rules.min_words <= len(quote.split()) <= rules.max_words
    assert quote in " ".join(answer.split())  # word for word, in order
    assert not any(ch in quote for ch in "`*_[]<>\"\n")


def test_the_opening_says_who_the_format_and_the_time() -> None:
    said = conversation.opening(["design", "scenario", "behavioural"], "API products")
    name = conversation.load_conversation().interviewer_name
    minutes = round((240 + 180 + 150 + 3 * 90) / 60)  # targets from delivery.yaml
    assert f"I'm {name}" in said and "three questions" in said and "API products" in said
    assert f"{minutes} minutes" in said


def _run(request) -> str:
    async def collect() -> str:
        return "".join([c async for c in OfflineModel().phrase(request)])
    return asyncio.run(collect())


def test_the_offline_interviewer_opens_acknowledges_and_moves_on(library: Library) -> None:
    plan = engine.plan_interview(library, "area", area="api-products", count=2, seed=3)
    state = State(plan)
    first = engine.next_step(state, library)
    assert isinstance(first, AskQuestion)
    opening = _run(engine.turn_request(state, first, library))
    assert opening.startswith("Hi, I'm") and opening.endswith(first.question.text)
    state.turns += [engine.interviewer_turn(first, opening),
                    Turn("candidate", "answer", first.question.id,
                         "First I would talk to developers. They get a 429 error.")]
    follow = AskFollowUp(first.question, first.question.follow_ups[0], 1)
    said = _run(engine.turn_request(state, follow, library))
    assert "“First I would talk to developers”" in said or "“They get a 429 error”" in said
    assert "Building on what you said" not in said
    assert said.endswith(first.question.follow_ups[0].text)
    nxt = AskQuestion(library.question(plan.question_ids[1]), 2)
    moved = _run(engine.turn_request(state, nxt, library))
    transitions = conversation.load_conversation().transitions
    assert any(t in moved for t in transitions) and "“" in moved


def test_the_close_is_said_once_and_answers_come_from_the_yaml(library: Library) -> None:
    state = State(engine.Plan("single", None, None, ("x",)),
                  [Turn("interviewer", "question", "x", "Q?")])
    close = engine.closing_turn(state)
    assert close is not None and "questions for me" in close.text
    state.turns.append(close)
    assert engine.closing_turn(state) is None
    reply = conversation.close_reply("How do you measure success for the platform?")
    assert reply is not None and "adopt" in reply.answer
    assert conversation.close_reply("Quelle heure est-il ?") is None


def test_a_new_interview_avoids_questions_already_practised(library: Library) -> None:
    pool = [q.id for q in library.filter(area="identity-auth")]
    done = frozenset(pool[:-2])
    plan = engine.plan_interview(library, "area", area="identity-auth", count=2, done=done)
    assert set(plan.question_ids) == set(pool[-2:])
    more = engine.plan_interview(library, "area", area="identity-auth", count=4, done=done)
    assert set(pool[-2:]) <= set(more.question_ids) and len(more.question_ids) == 4


def test_check_names_the_file_and_the_unknown_placeholder(tmp_path) -> None:
    source = (conversation.prompts_dir() / "conversation.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "conversation.yaml"
    bad.write_text(source.replace("You said “{quote}”.", "You said “{qoute}”."), "utf-8")
    with pytest.raises(ValueError, match=r"conversation.yaml: unknown placeholder 'qoute'"):
        conversation.check_conversation(bad)
    assert conversation.check_conversation(conversation.prompts_dir() / "conversation.yaml")


def test_the_llm_turn_prompt_asks_to_quote_the_last_answer(library: Library) -> None:
    from interviewer.llm.prompts import interviewer_messages

    plan = engine.plan_interview(library, "area", area="api-products", count=2, seed=3)
    state = State(plan)
    first = engine.next_step(state, library)
    opening = interviewer_messages(engine.turn_request(state, first, library), [], 0, "t1")
    assert conversation.opening(
        [library.question(q).kind for q in plan.question_ids], "API products") in \
        opening[1]["content"]
    state.turns += [engine.interviewer_turn(first, "Q1"),
                    Turn("candidate", "answer", first.question.id, "We shard by tenant id.")]
    nxt = AskQuestion(library.question(plan.question_ids[1]), 2)
    request = engine.turn_request(state, nxt, library)
    prompt = interviewer_messages(request, request.exchanges, 0, "t1")[1]["content"]
    assert "We shard by tenant id." in prompt and "quoting three to eight" in prompt
    assert "<t1>" in prompt  # the candidate's words stay fenced as data
