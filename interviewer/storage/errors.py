"""What storage can go wrong with, in words the web layer and the CLI can pass on."""

from __future__ import annotations


class NotFound(KeyError):
    """No interview with that id (or none that this owner may see)."""


class Conflict(Exception):
    """The turn was already answered with different text."""


class Duplicate(Exception):
    """A row with that key is already there: a unique constraint refused the insert."""


class StorageUnavailable(Exception):
    """The database could not be read or written: gone, read-only, full or unreachable.

    The web layer turns it into a 503 saying the answer was not saved, never an ack.
    """


class StorageCorrupt(Exception):
    """The database file is damaged; the server refuses to start rather than serve 500s."""
