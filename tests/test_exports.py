"""Keep and share a scorecard: Markdown, JSON and PDF exports of the whole interview, the
questions asked after the close kept in the transcript, and the server's first-sight time."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from interviewer.engine import Plan, State, Turn, build_scorecard
from interviewer.exports import render
from interviewer.exports.document import build
from interviewer.library import default_library
from interviewer.scoring import AnswerGrade, CriterionGrade, RedFlagHit
from interviewer.storage import Record, StoredTurn
from interviewer.web.views import exchanges_by_question
from tests.fakes import FakeModel

QID = "api-sms-tiered-rate-limits"
FIRST = "I would key the limit on the “sender number” — carriers cap each one."
SECOND = "Then a token bucket per API key, with 429 and Retry-After when it is empty."
ASK = "What does a platform PM do in a typical week?"


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _turn(html: str) -> str:
    return re.search(r'name="turn" value="(\d+)"', html).group(1)


def finished_interview(client: TestClient, fake: FakeModel) -> str:
    """One question with a follow-up, both answered, then a question about the role."""
    page = client.get("/").text
    started = client.post("/interviews", follow_redirects=False, data={
        "csrf_token": _token(page), "model": "fake", "mode": "single", "question_id": QID})
    url = started.headers["location"]
    fake.enqueue({"limit-design": 1}, {})  # a weak first answer earns a follow-up
    for answer in (FIRST, SECOND):
        page = client.get(url).text
        sent = client.post(f"{url}/answers", follow_redirects=False, data={
            "csrf_token": _token(page), "text": answer, "turn": _turn(page)})
        assert sent.status_code == 303
    done = client.get(url).text
    assert "Interview complete" in done
    asked = client.post(f"{url}/close-questions", follow_redirects=False,
                        data={"csrf_token": _token(done), "text": ASK})
    assert asked.status_code == 303 and asked.headers["location"].endswith("#your-questions")
    return url


def test_the_markdown_export_holds_the_whole_interview_in_order(
        client: TestClient, fake_model: FakeModel) -> None:
    url = finished_interview(client, fake_model)
    response = client.get(f"{url}/export.md")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/markdown; charset=utf-8"
    iid = url.rsplit("/", 1)[1]
    assert response.headers["content-disposition"] == f'attachment; filename="interview-{iid}.md"'
    assert "no-store" in response.headers["cache-control"]
    md = response.text
    transcript = md[md.index("## Transcript"):md.index("## Feedback per question")]
    order = ["(Question 1,", FIRST, "(Follow-up,", SECOND, "(Close,", ASK, "(Reply,"]
    positions = [transcript.index(s) for s in order]
    assert positions == sorted(positions), positions
    assert "support threads" in transcript  # the reply to the question about the role
    feedback = md[md.index("## Feedback per question"):]
    assert "Limit design and enforcement: 1 / 4, No hire" not in feedback  # regraded after
    assert re.search(r"#### Limit design and enforcement: 3 / 4, Hire", feedback)
    assert f"> {FIRST}" in feedback  # the fake grader quotes each answer's first line
    for heading in ("What a strong answer covers", "Common weak answers", "Tip: "):
        assert heading in feedback
    assert "Graded by: LLM grader (fake)" in md and "Overall: **3.00 / 4**, Hire" in md


def test_the_json_export_is_the_same_document(client: TestClient, fake_model: FakeModel
                                              ) -> None:
    url = finished_interview(client, fake_model)
    response = client.get(f"{url}/export.json")
    assert response.headers["content-type"] == "application/json"
    doc = response.json()
    assert [t["kind"] for t in doc["transcript"]] == [
        "question", "answer", "follow_up", "answer", "close", "close_question", "close_answer"]
    assert doc["transcript"][1]["text"] == FIRST  # byte for byte, curly quotes and dash
    assert doc["result"]["hire_signal"] == "Hire" and doc["result"]["grader"] == "fake"
    (question,) = doc["questions"]
    assert question["id"] == QID and len(question["exchanges"]) == 2
    assert question["exchanges"][1]["kind"] == "follow_up"
    assert question["exchanges"][1]["answer"] == SECOND
    assert {c["id"] for c in question["criteria"]} >= {"limit-design"}
    assert all(c["evidence"] == [FIRST] for c in question["criteria"])
    assert question["strong_answer"] and "red_flags" in question
    assert doc["fallbacks"] == []


def test_the_pdf_export_reads_back_as_text(client: TestClient, fake_model: FakeModel) -> None:
    url = finished_interview(client, fake_model)
    response = client.get(f"{url}/export.pdf")
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    for expected in ("Overall 3.00 / 4: Hire", "Transcript", "Follow-up",
                     "Limit design and enforcement: 3 / 4, Hire",
                     "What a strong answer covers", "support threads", ASK,
                     "“sender number”", "Retry-After"):
        assert expected in text, expected


def test_the_scorecard_links_its_exports_and_shows_the_questions_about_the_role(
        client: TestClient, fake_model: FakeModel) -> None:
    url = finished_interview(client, fake_model)
    card = client.get(f"{url}/scorecard").text
    for fmt in ("md", "json", "pdf"):
        assert f'href="{url}/export.{fmt}" download' in card
    section = card[card.index('id="your-questions"'):]
    assert ASK in section and "support threads" in section
    done = client.get(url).text
    asked = done[done.index('id="your-questions"'):]
    assert f'<div class="bubble">{ASK}</div>' in asked  # kept, after a reload too
    assert re.search(r'id="close-answer">[^<]*support threads', asked)


def test_a_question_about_the_role_waits_for_the_end(client: TestClient) -> None:
    page = client.get("/").text
    url = client.post("/interviews", follow_redirects=False, data={
        "csrf_token": _token(page), "model": "fake", "mode": "single",
        "question_id": QID}).headers["location"]
    page = client.get(url).text
    early = client.post(f"{url}/close-questions", data={"csrf_token": _token(page),
                                                        "text": ASK})
    assert early.status_code == 422 and "finish the interview first" in early.text
    record = client.app.state.service.store.load(url.rsplit("/", 1)[1])
    assert [t.turn.kind for t in record.turns] == ["question"]


def test_exports_of_an_unknown_interview_are_404(client: TestClient) -> None:
    for fmt in ("md", "json", "pdf"):
        assert client.get(f"/interviews/{'x' * 27}/export.{fmt}").status_code == 404


def test_the_timer_counts_from_when_the_candidate_first_saw_the_question(
        client: TestClient) -> None:
    """Not from when the server wrote the question, and the same on a second device."""
    page = client.get("/").text
    url = client.post("/interviews", follow_redirects=False, data={
        "csrf_token": _token(page), "model": "fake", "mode": "single",
        "question_id": QID}).headers["location"]
    iid = url.rsplit("/", 1)[1]
    store = client.app.state.service.store
    # the question was written an hour before the candidate opened it
    first = client.get(url).text
    hour_ago = (datetime.now(UTC) - timedelta(hours=1)).isoformat(timespec="seconds")
    store.db.execute("UPDATE turns SET created_at = ? WHERE interview_id = ?", (hour_ago, iid))
    assert int(re.search(r'data-elapsed="(\d+)"', first).group(1)) < 60
    seen = store.load(iid).turns[0].seen_at
    assert seen is not None and seen > hour_ago
    # the first sight stays put: 100 seconds later, on another device, the clock says so
    earlier = (datetime.fromisoformat(seen) - timedelta(seconds=100)).isoformat()
    store.db.execute("UPDATE turns SET seen_at = ? WHERE interview_id = ?", (earlier, iid))
    with TestClient(client.app) as other_device:
        again = other_device.get(url).text
    assert 100 <= int(re.search(r'data-elapsed="(\d+)"', again).group(1)) < 160
    assert store.load(iid).turns[0].seen_at == earlier
    page = client.get(url).text
    sent = client.post(f"{url}/answers", follow_redirects=False,
                       data={"csrf_token": _token(page), "text": FIRST, "turn": "0"})
    assert sent.status_code == 303
    client.get(url)  # grades the answer
    doc = client.get(f"{url}/export.json").json()
    (took,) = [e["seconds"] for e in doc["questions"][0]["exchanges"]]
    assert 100 <= took < 160  # from the first sight, not from the hour-old creation
    assert json.dumps(doc)  # plain data throughout


TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)


def _record(answer: str, follow_up_answer: str, asked: str) -> Record:
    """An interview in memory with the given words everywhere a candidate writes."""
    library = default_library()
    q = library.question(QID)
    said = [Turn("interviewer", "question", QID, q.text),
            Turn("candidate", "answer", QID, answer),
            Turn("interviewer", "follow_up", QID, q.follow_ups[0].text, "limit-design"),
            Turn("candidate", "answer", QID, follow_up_answer),
            Turn("interviewer", "close", QID, "Any questions for me?"),
            Turn("candidate", "close_question", QID, asked),
            Turn("interviewer", "close_answer", QID, "A reply.")]
    criteria = [CriterionGrade(id=c.id, name=c.name, score=2, evidence=[answer, asked],
                               feedback=follow_up_answer, missing=asked, tip=c.tip)
                for c in library.rubric_for(q).criteria]
    grade = AnswerGrade(question_id=QID, criteria=criteria, grader="offline", notes=[asked],
                        red_flags=[RedFlagHit(id="x", name="Blame", criterion="limit-design",
                                              cap=2, quote=answer, why="It hurts.")])
    state = State(plan=Plan("single", q.area, q.topic, (QID,)), turns=said,
                  grades={QID: grade}, finished=True)
    stamp = "2026-01-01T00:00:00+00:00"
    return Record("r" * 27, stamp, "offline", state,
                  [StoredTurn(i, t, stamp, None, stamp) for i, t in enumerate(said)])


@settings(max_examples=15, deadline=None)
@given(answer=TEXT, follow_up_answer=TEXT, asked=TEXT)
def test_any_text_a_candidate_writes_exports_in_every_format(answer: str, follow_up_answer: str,
                                                             asked: str) -> None:
    """Emoji, CJK, right-to-left text, control characters, Markdown: no export raises, and
    Markdown and JSON keep every character."""
    record = _record(answer, follow_up_answer, asked)
    library = default_library()
    doc = build(record, build_scorecard(record.id, record.state, library),
                exchanges_by_question(record, library))
    md = render(doc, "md").body.decode("utf-8")
    for line in answer.splitlines():
        assert f"> {line}".rstrip() in md
    back = json.loads(render(doc, "json").body)
    assert back["transcript"][1]["text"] == answer
    assert back["transcript"][5]["text"] == asked
    pdf = PdfReader(io.BytesIO(render(doc, "pdf").body))
    assert "Transcript" in "".join(p.extract_text() for p in pdf.pages)


def test_the_cli_exports_each_format(client: TestClient, fake_model: FakeModel, backend: str,
                                     monkeypatch, tmp_path) -> None:
    from typer.testing import CliRunner

    from interviewer.cli import app

    iid = finished_interview(client, fake_model).rsplit("/", 1)[1]
    monkeypatch.setenv("INTERVIEWER_DB", backend)  # the database the app used
    runner = CliRunner()
    md = runner.invoke(app, ["export", iid, "--format", "md"])
    assert md.exit_code == 0, md.output
    assert md.stdout.startswith("# Scorecard") and FIRST in md.stdout and ASK in md.stdout
    out = tmp_path / "card.json"
    js = runner.invoke(app, ["export", iid, "--format", "json", "--output", str(out)])
    assert js.exit_code == 0 and json.loads(out.read_text())["interview"]["id"] == iid
    monkeypatch.chdir(tmp_path)
    pdf = runner.invoke(app, ["export", iid, "--format", "pdf"])
    assert pdf.exit_code == 0 and f"interview-{iid}.pdf" in pdf.stdout
    assert (tmp_path / f"interview-{iid}.pdf").read_bytes().startswith(b"%PDF-")
    bad = runner.invoke(app, ["export", iid, "--format", "docx"])
    assert bad.exit_code == 2 and "choose one of: md, json, pdf" in bad.output
    missing = runner.invoke(app, ["export", "nope", "--format", "md"])
    assert missing.exit_code == 2 and "no interview with id 'nope'" in missing.output


def test_a_script_sees_the_question_when_the_api_hands_it_over(client: TestClient) -> None:
    created = client.post("/api/interviews", json={"model": "fake", "mode": "single",
                                                   "question_id": QID})
    assert created.status_code == 201 and created.json()["current"]["turn"] == 0
    record = client.app.state.service.store.load(created.json()["id"])
    assert record.turns[0].seen_at is not None
