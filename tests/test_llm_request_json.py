"""The request body we write ourselves is byte for byte the JSON the openai SDK would write.

`LLMModel` hands the SDK a body already encoded (`request_json`), reusing each system
message's JSON across requests. Whatever the messages hold (any Unicode, control
characters, quotes, the same system message again), the bytes must be what the SDK's own
encoder makes of the plain dict, so the server sees exactly what it did before.
"""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st
from openai._utils._json import openapi_dumps

from interviewer.models.llm import request_json

_text = st.text(max_size=300)
_message = st.fixed_dictionaries({"role": st.sampled_from(["system", "user", "assistant"]),
                                  "content": _text})
_options = st.dictionaries(st.sampled_from(["max_tokens", "stream", "temperature", "model",
                                            "messages", "response_format", "seed"]),
                           st.none() | st.booleans() | st.integers() | _text
                           | st.dictionaries(_text, _text, max_size=3), max_size=4)


def _sdk(model: str, messages: list[dict[str, str]], options: dict) -> bytes:
    return openapi_dumps({"model": model, "messages": messages, **options})


@given(_text, st.lists(_message, max_size=5), _options)
def test_the_body_is_the_sdks_own_encoding(model: str, messages: list[dict[str, str]],
                                           options: dict) -> None:
    assert request_json(model, messages, options) == _sdk(model, messages, options)


@given(_text, _text)
def test_a_system_message_sent_again_is_encoded_the_same(system: str, answer: str) -> None:
    messages = [{"role": "system", "content": system}, {"role": "user", "content": answer}]
    first = request_json("m", messages, {"stream": True})
    again = request_json("m", [dict(m) for m in messages], {"stream": True})
    assert first == again == _sdk("m", messages, {"stream": True})
    assert json.loads(again)["messages"][0]["content"] == system


def test_a_system_message_with_more_than_role_and_content_is_not_taken_from_the_cache() -> None:
    named = {"role": "system", "content": "You grade.", "name": "rules"}
    plain = {"role": "system", "content": "You grade."}
    assert json.loads(request_json("m", [plain], {}))["messages"] == [plain]
    assert json.loads(request_json("m", [named], {}))["messages"] == [named]
