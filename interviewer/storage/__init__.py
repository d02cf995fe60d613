"""Storage: every answer is written here before anything else happens to it.

SQLite (the default) or PostgreSQL (`INTERVIEWER_DB=postgresql://…`), one schema evolved by
the migrations in `migrations/`, and the state every server process must share.
"""

from interviewer.storage.errors import (
    Conflict,
    Duplicate,
    NotFound,
    StorageCorrupt,
    StorageUnavailable,
)
from interviewer.storage.shared import Busy
from interviewer.storage.store import LOCAL_OWNER, Record, Store, StoredTurn, new_id, now

__all__ = ["LOCAL_OWNER", "Busy", "Conflict", "Duplicate", "NotFound", "Record", "Store",
           "StorageCorrupt", "StorageUnavailable", "StoredTurn", "new_id", "now"]
