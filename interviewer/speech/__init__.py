"""Answering out loud: transcription and delivery feedback."""
