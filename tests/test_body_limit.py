"""Request bodies are measured before anything parses them, and errors stay small."""

from __future__ import annotations

import json
from collections.abc import Iterator

from fastapi.testclient import TestClient

from interviewer.web.bodylimit import text_limit

LIMIT = text_limit(20_000)  # the default INTERVIEWER_MAX_ANSWER_CHARS


def _interview(client: TestClient) -> str:
    return client.post("/api/interviews", json={"model": "fake"}).json()["id"]


def _turns(client: TestClient, iid: str) -> list[dict]:
    return client.get(f"/api/interviews/{iid}").json()["turns"]


def test_an_oversized_body_is_refused_from_its_length_before_it_is_parsed(
        client: TestClient) -> None:
    iid = _interview(client)
    # not even JSON: had anything parsed it, the answer would be 400 or 422
    response = client.post(f"/api/interviews/{iid}/answers", content=b"{" + b"x" * LIMIT,
                           headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["detail"].startswith(f"the request body is larger than {LIMIT:,}")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert [t["role"] for t in _turns(client, iid)] == ["interviewer"]


def _chunks(total: int, size: int = 65_536, end: bytes = b'"}') -> Iterator[bytes]:
    yield b'{"text": "'
    for start in range(0, total, size):
        yield b"a" * min(size, total - start)
    yield end


def test_a_chunked_body_is_counted_as_it_arrives(client: TestClient) -> None:
    iid = _interview(client)
    headers = {"content-type": "application/json"}
    unparsable = _chunks(LIMIT, end=b"")  # parsed, it would be a 400
    refused = client.post(f"/api/interviews/{iid}/answers", content=unparsable, headers=headers)
    assert refused.status_code == 413
    assert [t["role"] for t in _turns(client, iid)] == ["interviewer"]
    accepted = client.post(f"/api/interviews/{iid}/answers", content=_chunks(500),
                           headers=headers)
    assert accepted.status_code == 200, accepted.text
    assert _turns(client, iid)[1]["text"] == "a" * 500


def test_the_largest_allowed_answer_fits_however_it_is_encoded(client: TestClient) -> None:
    iid = _interview(client)
    answer = "\U0001f600" * 20_000  # 12 bytes a character as JSON escapes it
    body = json.dumps({"text": answer}).encode()
    assert len(body) > 240_000
    response = client.post(f"/api/interviews/{iid}/answers", content=body,
                           headers={"content-type": "application/json"})
    assert response.status_code == 200, response.text[:200]


def test_a_page_form_that_is_too_large_gets_a_page_saying_so(client: TestClient) -> None:
    iid = _interview(client)
    response = client.post(f"/interviews/{iid}/answers", content=b"text=" + b"a" * LIMIT,
                           headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413
    assert "text/html" in response.headers["content-type"]
    assert "The request body is larger than" in response.text


def test_audio_uploads_have_their_own_larger_limit(client: TestClient) -> None:
    iid = _interview(client)
    response = client.post(f"/api/interviews/{iid}/answers/audio",
                           files={"audio": ("a.wav", b"\0" * (LIMIT + 1), "audio/wav")})
    assert response.status_code != 413


def test_a_body_with_thousands_of_unknown_fields_gets_a_short_422(client: TestClient) -> None:
    iid = _interview(client)
    body = {"text": "ok", **{f"field_{i}": 1 for i in range(10_000)}}
    response = client.post(f"/api/interviews/{iid}/answers", json=body)
    assert response.status_code == 422
    assert len(response.content) < 500
    detail = response.json()["detail"]
    assert detail.startswith("field_0: Extra inputs are not permitted")
    assert detail.endswith("and 9,995 more problems")
    long_name = client.post(f"/api/interviews/{iid}/answers", json={"text": "ok", "k" * 5000: 1})
    assert len(long_name.content) < 300
