"""What each interview has spent on the model, and the cap on it."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from interviewer.scoring import Usage


class TokenCapReached(Exception):
    """The interview has spent its token allowance (INTERVIEWER_TOKEN_CAP)."""


@runtime_checkable
class Metered(Protocol):
    """A model that reports each interviewer turn's usage and keeps to a per-interview cap."""

    def resume_spend(self, interview_id: str, tokens: int) -> None:
        """Tell the model what storage says this interview has already spent."""
        ...

    def turn_usage(self, interview_id: str) -> Usage | None:
        """The usage of the interviewer turn just produced for this interview."""
        ...


class SpendBook(Protocol):
    """Where spend is counted: the database (`interviewer.storage.shared.TokenSpend`), so
    every process sees one total, or memory for a model used without a store."""

    def spent(self, interview_id: str) -> int: ...

    def add(self, interview_id: str, tokens: int) -> None: ...

    def raise_to(self, interview_id: str, tokens: int) -> None: ...


class MemoryBook:
    """Spend counted in this process only: for `grade` and `calibrate`, which store nothing."""

    def __init__(self) -> None:
        self._spent: dict[str, int] = {}

    def spent(self, interview_id: str) -> int:
        return self._spent.get(interview_id, 0)

    def add(self, interview_id: str, tokens: int) -> None:
        self._spent[interview_id] = self.spent(interview_id) + tokens

    def raise_to(self, interview_id: str, tokens: int) -> None:
        self._spent[interview_id] = max(self.spent(interview_id), tokens)


class Ledger:
    """Tokens spent per interview; requests that would pass the cap are refused up front.

    The service points `book` at the database, so a second process or a restart sees what
    the interview has already spent.
    """

    def __init__(self, cap: int, book: SpendBook | None = None):
        self.cap = cap
        self.book: SpendBook = book or MemoryBook()
        self._turns: dict[str, Usage] = {}

    def spent(self, interview_id: str) -> int:
        return self.book.spent(interview_id)

    def resume(self, interview_id: str, tokens: int) -> None:
        """Never forget spend: keep the larger of what we counted and what was stored. The
        stored figure only grows, so a read that finds it high enough spares a write."""
        if tokens > self.book.spent(interview_id):
            self.book.raise_to(interview_id, tokens)

    def check(self, interview_id: str, needed: int) -> None:
        """Raise TokenCapReached if `needed` more tokens would take the interview past the cap."""
        if interview_id and self.spent(interview_id) + needed > self.cap:
            raise TokenCapReached(f"this interview has used {self.spent(interview_id):,} of its "
                                  f"{self.cap:,} tokens (INTERVIEWER_TOKEN_CAP)")

    def charge(self, interview_id: str, usage: Usage) -> None:
        if interview_id:
            self.book.add(interview_id, usage.total_tokens)

    def record_turn(self, interview_id: str, usage: Usage) -> None:
        self._turns[interview_id] = usage

    def take_turn(self, interview_id: str) -> Usage | None:
        return self._turns.pop(interview_id, None)
