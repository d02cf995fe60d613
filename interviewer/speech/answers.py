"""Spoken answers, in the product's safe order: store the audio, transcribe it off the event
loop, store the transcript with its delivery figures, and only then treat it as an answer."""

from __future__ import annotations

from dataclasses import dataclass

from interviewer.service import Interviews, NotAwaitingAnswer
from interviewer.speech.audio import AudioError, check_size
from interviewer.speech.delivery import measure
from interviewer.speech.transcribe import Transcriber
from interviewer.storage.recordings import Recording, Recordings


@dataclass(frozen=True)
class SpokenAnswer:
    recording: Recording
    stored: bool  # False when this answer was already stored (a retry)


class SpokenAnswers:
    """Transcribes recordings for an interview's open question."""

    def __init__(self, interviews: Interviews, transcriber: Transcriber, recordings: Recordings):
        self.interviews = interviews
        self.transcriber = transcriber
        self.recordings = recordings

    async def transcribe(self, interview_id: str, data: bytes, filename: str,
                         keep_audio: bool = False, turn: int | None = None) -> Recording:
        """Transcribe a recording of the answer to the open question (or to `turn`, which a
        retry names), storing the audio before anything else happens to it."""
        check_size(data, self.transcriber.max_bytes)
        run = self.interviews.store.run  # the store's calls wait in a thread, not the loop
        turn, question = await run(self._question, interview_id, turn)
        recording = await run(self.recordings.receive, interview_id, turn, data, filename,
                              keep_audio)
        if recording.transcribed:
            return recording
        try:
            transcript = await self.transcriber.transcribe(data, filename, question.text)
        except AudioError:
            await run(self.recordings.discard, recording.id)
            raise
        delivery = measure(transcript.text, transcript.words, transcript.seconds, question.kind)
        if not transcript.text.strip():
            await run(self.recordings.discard, recording.id)
            raise AudioError("no words could be heard in the recording; speak closer to the "
                             "microphone, or type your answer")
        return await run(
            self.recordings.transcribed, recording.id, transcript.engine, transcript.text,
            [w.model_dump() for w in transcript.words], transcript.seconds,
            delivery.model_dump(mode="json"))

    async def answer(self, interview_id: str, data: bytes, filename: str,
                     keep_audio: bool = False, turn: int | None = None) -> SpokenAnswer:
        """Transcribe, then store the transcript as the answer; safe to retry."""
        recording = await self.transcribe(interview_id, data, filename, keep_audio, turn)
        assert recording.transcript is not None
        transcript = recording.transcript

        def store() -> SpokenAnswer:  # blocking: in the store's threads
            stored = self.interviews.submit(interview_id, transcript, recording.turn)
            self.recordings.link(recording.id, interview_id, recording.turn + 1)
            return SpokenAnswer(self.recordings.get(recording.id), stored)

        return await self.interviews.store.run(store)

    def attach(self, interview_id: str, recording_id: str, answer_turn: int) -> bool:
        """Tie a recording the candidate transcribed and then edited to the answer they
        submitted for interviewer turn `answer_turn`."""
        return self.recordings.link(recording_id, interview_id, answer_turn + 1)

    def _question(self, interview_id: str, turn: int | None):
        record = self.interviews.store.load(interview_id)  # the route checked the owner
        current = self.interviews.current(record)
        if turn is not None and (current is None or current.turn != turn):
            stored = record.turns[turn].turn if 0 <= turn < len(record.turns) else None
            if stored is None or stored.role != "interviewer":
                raise NotAwaitingAnswer(f"turn {turn} is not a question in this interview")
            return turn, self.interviews.library.question(stored.question_id)
        if current is None:
            raise NotAwaitingAnswer("this interview is not waiting for an answer; reload it "
                                    "to see where it is")
        return current.turn, self.interviews.library.question(current.question_id)
