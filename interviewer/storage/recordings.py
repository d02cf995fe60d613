"""Spoken answers as stored: the audio first, then its transcript and delivery figures.

The audio row is written before transcription starts, so a crash or a failed transcription
loses nothing; a retry with the same bytes for the same question finds the same row. Once
transcribed, the audio is deleted unless the candidate chose to keep it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from interviewer.storage.backends import Database, Row
from interviewer.storage.store import new_id, now


@dataclass(frozen=True)
class Recording:
    id: str
    interview_id: str
    turn: int
    filename: str
    received_at: str
    has_audio: bool
    keep_audio: bool
    engine: str | None
    transcript: str | None
    words: list[dict] | None
    seconds: float | None
    delivery: dict | None
    answer_seq: int | None

    @property
    def transcribed(self) -> bool:
        return self.transcript is not None


_COLUMNS = ("id, interview_id, turn, filename, received_at, audio IS NOT NULL AS has_audio,"
            " keep_audio, engine, transcript, words, seconds, delivery, answer_seq")


class Recordings:
    """The recordings table."""

    def __init__(self, db: Database):
        self.db = db

    def receive(self, interview_id: str, turn: int, data: bytes, filename: str,
                keep_audio: bool) -> Recording:
        """Store an upload before anything else happens to it; the same bytes sent again for
        the same question return the row already stored."""
        digest = hashlib.sha256(data).hexdigest()
        with self.db.transaction() as tx:
            row = tx.fetchone(f"SELECT {_COLUMNS} FROM recordings WHERE interview_id = ?"
                              " AND turn = ? AND sha256 = ?", (interview_id, turn, digest))
            if row is not None:
                return _recording(row)
            rid = new_id()
            tx.execute("INSERT INTO recordings (id, interview_id, turn, sha256, filename,"
                       " received_at, audio, keep_audio) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       (rid, interview_id, turn, digest, filename[:200], now(), data,
                        int(keep_audio)))
        return self.get(rid)

    def audio(self, recording_id: str) -> bytes | None:
        row = self.db.fetchone("SELECT audio FROM recordings WHERE id = ?", (recording_id,))
        return None if row is None or row["audio"] is None else bytes(row["audio"])

    def transcribed(self, recording_id: str, engine: str, transcript: str, words: list[dict],
                    seconds: float, delivery: dict) -> Recording:
        """Store the transcript and figures; the audio goes unless it is to be kept."""
        self.db.execute(
            "UPDATE recordings SET engine = ?, transcript = ?, words = ?, seconds = ?,"
            " delivery = ?, audio = CASE WHEN keep_audio = 1 THEN audio ELSE NULL END"
            " WHERE id = ?",
            (engine, transcript, json.dumps(words), seconds, json.dumps(delivery), recording_id))
        return self.get(recording_id)

    def discard(self, recording_id: str) -> None:
        """Forget an upload that is not usable audio (the candidate was told why)."""
        self.db.execute("DELETE FROM recordings WHERE id = ? AND transcript IS NULL",
                        (recording_id,))

    def link(self, recording_id: str, interview_id: str, answer_seq: int) -> bool:
        """Tie a transcribed recording to the answer it became; False if it is not this
        interview's transcribed recording for that question."""
        return self.db.execute(
            "UPDATE recordings SET answer_seq = ? WHERE id = ? AND interview_id = ?"
            " AND turn = ? AND transcript IS NOT NULL",
            (answer_seq, recording_id, interview_id, answer_seq - 1)) == 1

    def get(self, recording_id: str) -> Recording:
        row = self.db.fetchone(f"SELECT {_COLUMNS} FROM recordings WHERE id = ?",
                               (recording_id,))
        if row is None:
            raise KeyError(recording_id)
        return _recording(row)

    def for_interview(self, interview_id: str) -> list[Recording]:
        """Recordings that became answers, in answer order."""
        rows = self.db.fetchall(f"SELECT {_COLUMNS} FROM recordings WHERE interview_id = ?"
                                " AND answer_seq IS NOT NULL ORDER BY answer_seq",
                                (interview_id,))
        return [_recording(r) for r in rows]

    def delete_for_interview(self, interview_id: str) -> None:
        self.db.execute("DELETE FROM recordings WHERE interview_id = ?", (interview_id,))


def _recording(row: Row) -> Recording:
    return Recording(
        id=row["id"], interview_id=row["interview_id"], turn=row["turn"],
        filename=row["filename"], received_at=row["received_at"],
        has_audio=bool(row["has_audio"]), keep_audio=bool(row["keep_audio"]),
        engine=row["engine"], transcript=row["transcript"],
        words=json.loads(row["words"]) if row["words"] else None, seconds=row["seconds"],
        delivery=json.loads(row["delivery"]) if row["delivery"] else None,
        answer_seq=row["answer_seq"])
