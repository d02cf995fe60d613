"""Spoken answers through the API and the pages: stored first, transcribed, safe to retry."""

from __future__ import annotations

import re

import jiwer
import pytest
from fastapi.testclient import TestClient

from tests.speech_fixtures import ANSWERS, speak

QUESTION, SPOKEN = ANSWERS[0]


@pytest.fixture(scope="module")
def wav(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return speak(SPOKEN, tmp_path_factory.mktemp("speech") / "answer.wav").read_bytes()


def _start(client: TestClient) -> dict:
    response = client.post("/api/interviews", json={"model": "fake", "mode": "topic",
                                                    "topic": "rate-limiting", "questions": 1})
    assert response.status_code == 201, response.text
    return response.json()


def _post_audio(client: TestClient, iid: str, data: bytes, **form: str):
    return client.post(f"/api/interviews/{iid}/answers/audio", data=form,
                       files={"audio": ("answer.wav", data, "audio/wav")})


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", text.lower()).split())


def _answers(client: TestClient, iid: str) -> list[str]:
    turns = client.get(f"/api/interviews/{iid}").json()["turns"]
    return [t["text"] for t in turns if t["role"] == "candidate"]


def _audio_rows(client: TestClient, iid: str) -> list[tuple]:
    db = client.app.state.service.store.db
    return [(r["audio"] is not None, r["answer_seq"]) for r in
            db.fetchall("SELECT audio, answer_seq FROM recordings WHERE interview_id = ?", (iid,))]


def test_a_spoken_answer_becomes_the_answer_with_delivery_figures(client, wav):
    iid = _start(client)["id"]
    response = _post_audio(client, iid, wav, turn="0")
    assert response.status_code == 200, response.text
    body = response.json()
    transcript = body["transcript"]
    assert jiwer.wer(_normal(SPOKEN), _normal(transcript["text"])) <= 0.2
    assert transcript["engine"] == "bundled Whisper tiny.en, on this machine"
    assert body["stored"] is True and transcript["audio_kept"] is False
    names = [f["name"] for f in transcript["figures"]]
    assert names == ["Pace", "Fillers", "Long pauses", "Talk time"]
    assert 100 <= transcript["words_per_minute"] <= 200
    assert _answers(client, iid) == [transcript["text"]]
    assert _audio_rows(client, iid) == [(False, 1)]  # audio deleted once transcribed


def test_sending_the_same_recording_again_stores_it_once(client, wav):
    iid = _start(client)["id"]
    first = _post_audio(client, iid, wav, turn="0").json()
    again = _post_audio(client, iid, wav, turn="0")
    assert again.status_code == 200, again.text
    assert again.json()["stored"] is False
    assert again.json()["transcript"]["recording_id"] == first["transcript"]["recording_id"]
    assert len(_answers(client, iid)) == 1 and len(_audio_rows(client, iid)) == 1


def test_the_candidate_can_keep_the_recording(client, wav):
    iid = _start(client)["id"]
    body = _post_audio(client, iid, wav, keep_audio="true").json()
    assert body["transcript"]["audio_kept"] is True
    assert _audio_rows(client, iid) == [(True, 1)]


def test_bad_recordings_get_a_clear_error_and_store_nothing(client):
    iid = _start(client)["id"]
    limit = client.app.state.speech.transcriber.max_bytes
    too_big = _post_audio(client, iid, b"\0" * (limit + 10))
    assert too_big.status_code == 413 and "the limit is" in too_big.json()["detail"]
    garbage = _post_audio(client, iid, b"not audio at all" * 100)
    assert garbage.status_code == 422 and "could not be read as audio" in garbage.json()["detail"]
    assert _answers(client, iid) == [] and _audio_rows(client, iid) == []


def test_the_turn_of_a_spoken_answer_is_a_whole_number_as_the_schema_says(client, wav):
    """A form field has no null: "null" is refused, and the schema does not offer it."""
    iid = _start(client)["id"]
    for turn in ("null", "-1", "1.5", "10001"):  # an empty field means no turn given
        response = _post_audio(client, iid, wav, turn=turn)
        assert response.status_code == 422, (turn, response.text)
    assert _answers(client, iid) == [] and _audio_rows(client, iid) == []
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    form = next(v for k, v in schemas.items() if k.startswith("Body_answer_audio"))
    assert form["properties"]["turn"]["type"] == "integer" and "turn" not in form["required"]


def test_a_finished_interview_takes_no_recording(client, wav):
    iid = _start(client)["id"]
    assert client.post(f"/api/interviews/{iid}/finish").status_code == 200
    response = _post_audio(client, iid, wav)
    assert response.status_code == 409 and "not waiting for an answer" in response.json()["detail"]


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_without_javascript_an_upload_fills_the_answer_box_then_the_scorecard_shows_delivery(
        client, wav):
    iid = _start(client)["id"]
    page = client.get(f"/interviews/{iid}")
    assert "microphone=(self)" in page.headers["permissions-policy"]
    uploaded = client.post(f"/interviews/{iid}/audio", data={"csrf_token": _token(page.text)},
                           files={"audio": ("answer.wav", wav, "audio/wav")})
    assert uploaded.status_code == 200, uploaded.text
    box = re.search(r'<textarea[^>]*id="answer"[^>]*>([^<]*)</textarea>', uploaded.text).group(1)
    assert jiwer.wer(_normal(SPOKEN), _normal(box)) <= 0.2
    recording = re.search(r'name="recording" id="recording-id" value="([^"]+)"', uploaded.text)
    assert recording, "the transcript's recording id rides along with the answer"
    assert "transcribed by bundled Whisper tiny.en" in uploaded.text
    edited = box + " And we alert on the throttle rate."
    sent = client.post(f"/interviews/{iid}/answers", follow_redirects=False, data={
        "csrf_token": _token(uploaded.text), "text": edited, "turn": "0",
        "recording": recording.group(1)})
    assert sent.status_code == 303
    assert _answers(client, iid) == [edited]
    client.post(f"/interviews/{iid}/finish", data={"csrf_token": _token(uploaded.text)})
    card = client.get(f"/interviews/{iid}/scorecard").text
    assert "Spoken answer" in card and "words a minute" in card and "good: 120 to 170" in card


def test_only_the_interview_page_may_use_the_microphone(client):
    assert "microphone=()" in client.get("/").headers["permissions-policy"]
