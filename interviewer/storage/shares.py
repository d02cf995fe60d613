"""Read-only share links to a scorecard, which their owner can revoke.

A link's token is 256 random bits and only its SHA-256 digest is stored: the database (or a
backup of it) holds nothing that opens a scorecard, and the token is shown to its owner once,
when the link is made. Revoking deletes the row, so the link is dead at once on every process.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from interviewer.storage.backends import Database

TOKEN_BYTES = 32  # 256 bits: far past guessing, even at millions of tries a second


@dataclass(frozen=True)
class ShareLink:
    id: str
    interview_id: str
    created_at: str


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class ShareLinks:
    def __init__(self, db: Database):
        self.db = db

    def create(self, interview_id: str, created_at: str) -> tuple[ShareLink, str]:
        """A new link to the interview; returns it and its token, which is never stored."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        link = ShareLink(secrets.token_urlsafe(9), interview_id, created_at)
        self.db.execute("INSERT INTO share_links (id, interview_id, token_hash, created_at)"
                        " VALUES (?, ?, ?, ?)", (link.id, interview_id, digest(token), created_at))
        return link, token

    def of_interview(self, interview_id: str) -> list[ShareLink]:
        rows = self.db.fetchall("SELECT id, interview_id, created_at FROM share_links"
                                " WHERE interview_id = ? ORDER BY created_at, id",
                                (interview_id,))
        return [ShareLink(r["id"], r["interview_id"], r["created_at"]) for r in rows]

    def revoke(self, interview_id: str, link_id: str) -> bool:
        """Delete one of the interview's links; False when it has no such link."""
        return self.db.execute("DELETE FROM share_links WHERE interview_id = ? AND id = ?",
                               (interview_id, link_id)) > 0

    def interview_for(self, token: str) -> str | None:
        """The interview a live token opens; None for a revoked, unknown or orphaned one."""
        if not token or len(token) > 200:
            return None
        row = self.db.fetchone(
            "SELECT s.interview_id FROM share_links s JOIN interviews i"
            " ON i.id = s.interview_id WHERE s.token_hash = ?",
            (digest(token),))
        return None if row is None else row["interview_id"]
