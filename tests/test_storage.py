"""The store on SQLite and PostgreSQL: records, the state processes share, and faults."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from interviewer.engine import Plan, Turn
from interviewer.llm.ledger import Ledger, TokenCapReached
from interviewer.scoring import Usage
from interviewer.storage import Conflict, NotFound, StorageCorrupt, StorageUnavailable, Store
from interviewer.storage.backends import _redact
from interviewer.storage.recordings import Recordings
from interviewer.storage.shared import Claimed, Idempotency, InProgress, KeyReused, Replay

pytestmark = pytest.mark.both_backends
PLAN = Plan("single", None, None, ("q",))


def test_turns_answers_grades_and_listing_round_trip(backend: str) -> None:
    store = Store(backend)
    first = store.create(PLAN, "offline")
    second = store.create(PLAN, "fake")
    store.add_turn(first, 0, Turn("interviewer", "question", "q", "Why?"),
                   Usage(prompt_tokens=10, completion_tokens=2))
    assert store.add_answer(first, 1, Turn("candidate", "answer", "q", "Because."))
    assert not store.add_answer(first, 1, Turn("candidate", "answer", "q", "Because."))
    with pytest.raises(Conflict):
        store.add_answer(first, 1, Turn("candidate", "answer", "q", "Something else."))
    store.set_usage(first, 1, Usage(prompt_tokens=100, completion_tokens=20))
    store.finish(first)
    record = store.load(first)
    assert record.status == "completed" and record.usage.total_tokens == 132
    assert [t.turn.text for t in record.turns] == ["Why?", "Because."]
    assert [r.id for r in store.list_recent()] == [second, first]  # newest first, same second
    with pytest.raises(NotFound):
        store.load("nope")
    store.save_calibration("offline", "set.jsonl", '{"a": 1}')
    store.save_calibration("offline", "set2.jsonl", '{"a": 2}')
    assert store.latest_calibration()[1:] == ("set2.jsonl", '{"a": 2}')


def test_a_lease_has_one_holder_until_released_or_lapsed(backend: str) -> None:
    one, two = Store(backend), Store(backend)  # two processes' views of one database
    clock = [1000.0]
    one.leases.clock = two.leases.clock = lambda: clock[0]
    assert one.leases.try_acquire("interview:x", "a", ttl=30)
    assert not two.leases.try_acquire("interview:x", "b", ttl=30)
    assert two.leases.try_acquire("interview:y", "b", ttl=30)  # per interview
    clock[0] += 20
    assert one.leases.renew("interview:x", "a", ttl=30)
    clock[0] += 20
    assert not two.leases.try_acquire("interview:x", "b", ttl=30)  # renewed, still held
    clock[0] += 31  # the holder died: nobody renewed
    assert two.leases.try_acquire("interview:x", "b", ttl=30)
    assert not one.leases.renew("interview:x", "a", ttl=30)
    two.leases.release("interview:x", "b")
    assert one.leases.try_acquire("interview:x", "a", ttl=30)


def test_leases_serialise_work_on_one_interview_across_stores(backend: str) -> None:
    one, two = Store(backend), Store(backend)
    inside: list[str] = []
    overlaps: list[int] = []

    async def work(store: Store, name: str) -> None:
        for _ in range(5):
            async with store.leases.hold("interview:x", ttl=5):
                inside.append(name)
                overlaps.append(len(inside))
                await asyncio.sleep(0.01)
                inside.remove(name)

    async def both() -> None:
        await asyncio.gather(work(one, "one"), work(two, "two"))

    asyncio.run(both())
    assert len(overlaps) == 10 and max(overlaps) == 1


def test_an_idempotency_key_runs_once_replays_and_refuses_another_body(backend: str) -> None:
    one, two = Store(backend), Store(backend)
    claim = one.idempotency.begin("create", "k1", "hash-a")
    assert isinstance(claim, Claimed) and claim.resource is None
    with pytest.raises(InProgress):
        two.idempotency.begin("create", "k1", "hash-a")
    with pytest.raises(KeyReused):
        two.idempotency.begin("create", "k1", "hash-b")
    one.idempotency.complete("create", "k1", claim.holder, 201, '{"id": "x"}')
    assert two.idempotency.begin("create", "k1", "hash-a") == Replay(201, '{"id": "x"}')
    assert isinstance(two.idempotency.begin("answers:x", "k1", "hash-a"), Claimed)  # scoped


def test_a_failed_attempt_lets_the_retry_reuse_what_it_made(backend: str) -> None:
    store = Store(backend)
    claim = store.idempotency.begin("create", "k", "h")
    assert isinstance(claim, Claimed)
    store.idempotency.set_resource("create", "k", "interview-1")
    store.idempotency.abandon("create", "k", claim.holder)  # e.g. the model was down: 503
    retry = store.idempotency.begin("create", "k", "h")
    assert isinstance(retry, Claimed) and retry.resource == "interview-1"


def _count_keys(store: Store) -> int:
    return store.db.fetchone("SELECT COUNT(*) AS n FROM idempotency_keys")["n"]


def test_an_idempotency_key_is_forgotten_after_its_day(backend: str) -> None:
    clock = [1_000_000.0]
    store = Store(backend)
    keys = Idempotency(store.db, clock=lambda: clock[0], keep_seconds=3600, sweep_every=10**6)
    claim = keys.begin("create", "k", "hash-a")
    keys.complete("create", "k", claim.holder, 201, '{"id": "x"}')
    clock[0] += 3599
    assert keys.begin("create", "k", "hash-a") == Replay(201, '{"id": "x"}')
    clock[0] += 2  # past the hour: a repeat, even with another body, is a new request
    assert isinstance(keys.begin("create", "k", "hash-b"), Claimed)


def test_expired_keys_are_swept_in_bounded_batches_now_and_then(backend: str) -> None:
    clock = [1_000_000.0]
    store = Store(backend)
    keys = Idempotency(store.db, clock=lambda: clock[0], keep_seconds=3600, sweep_every=10**6)
    for key in ("a", "b", "c"):
        keys.begin("create", key, "h")
    clock[0] += 3601
    keys.begin("create", "fresh", "h")
    keys.SWEEP_BATCH = 2
    assert [keys.expire(), keys.expire(), keys.expire()] == [2, 1, 0]
    assert _count_keys(store) == 1  # the fresh key stays
    swept = Idempotency(store.db, clock=lambda: clock[0], keep_seconds=3600, sweep_every=2)
    swept.begin("create", "d", "h")
    clock[0] += 7200
    swept.begin("create", "e", "h")  # every second claim sweeps first: "fresh" and "d" go
    assert _count_keys(store) == 1


def test_the_idempotency_window_comes_from_the_settings(tmp_path: Path) -> None:
    from interviewer.settings import Settings
    from interviewer.web.app import build_service

    settings = Settings(_env_file=None, INTERVIEWER_DB=str(tmp_path / "s.db"),
                        INTERVIEWER_IDEMPOTENCY_HOURS=2)
    assert build_service(settings).store.idempotency.keep_seconds == 7200

def test_every_process_counts_against_one_rate_allowance(backend: str) -> None:
    one, two = Store(backend), Store(backend)
    assert one.rate_log.retry_after("1.2.3.4", 3, now=100.0) is None
    assert two.rate_log.retry_after("1.2.3.4", 3, now=101.0) is None
    assert one.rate_log.retry_after("1.2.3.4", 3, now=102.0) is None
    assert two.rate_log.retry_after("1.2.3.4", 3, now=110.0) == 50
    assert one.rate_log.retry_after("5.6.7.8", 3, now=110.0) is None  # per client
    assert two.rate_log.retry_after("1.2.3.4", 3, now=160.5) is None  # the first one lapsed


def test_the_token_cap_counts_spend_from_every_process_and_restart(backend: str) -> None:
    one, two = Store(backend), Store(backend)
    a, b = Ledger(1000, one.token_spend), Ledger(1000, two.token_spend)
    a.charge("iv", Usage(prompt_tokens=600, completion_tokens=100))
    b.charge("iv", Usage(prompt_tokens=200, completion_tokens=0))
    assert a.spent("iv") == b.spent("iv") == 900
    with pytest.raises(TokenCapReached):
        a.check("iv", 101)
    b.resume("iv", 500)  # storage's figure never lowers the count
    assert Ledger(1000, Store(backend).token_spend).spent("iv") == 900



def test_a_recording_keeps_its_audio_only_when_the_candidate_asked(backend: str) -> None:
    """The privacy promise: once transcribed, the audio is gone unless it was to be kept."""
    store = Store(backend)
    recordings = Recordings(store.db)
    iid = store.create(PLAN, "offline")
    kept = recordings.receive(iid, 0, b"RIFF kept", "kept.wav", keep_audio=True)
    dropped = recordings.receive(iid, 0, b"RIFF dropped", "dropped.wav", keep_audio=False)
    assert recordings.audio(kept.id) == b"RIFF kept"  # stored before transcription
    assert recordings.audio(dropped.id) == b"RIFF dropped"
    for recording in (kept, dropped):
        recordings.transcribed(recording.id, "test", "words", [], 1.0, {})
    assert recordings.audio(kept.id) == b"RIFF kept"
    assert recordings.audio(dropped.id) is None
    assert recordings.audio("no-such-recording") is None


def test_a_store_backs_up_sqlite_itself_and_points_postgresql_at_pg_dump(
        backend: str, tmp_path: Path) -> None:
    store = Store(backend)
    iid = store.create(PLAN, "offline")
    if store.dialect == "sqlite":
        store.backup(tmp_path / "copy.db")
        assert Store(tmp_path / "copy.db").load(iid).id == iid
    else:
        with pytest.raises(NotImplementedError, match="pg_dump"):
            store.backup(tmp_path / "copy.db")

def test_a_database_url_in_a_message_never_shows_its_password() -> None:
    assert _redact("postgresql://app:s3cret@db:5432/iv") == "postgresql://app:***@db:5432/iv"
    assert _redact("postgresql://app:p@ss@db/iv") == "postgresql://app:***@db/iv"
    assert _redact("postgresql://app@db/iv") == "postgresql://app@db/iv"  # no password
    assert _redact("postgresql://db/iv") == "postgresql://db/iv"

# --- SQLite file faults -----------------------------------------------------------------------

@pytest.fixture
def sqlite_file(tmp_path: Path) -> str:
    return str(tmp_path / "faults.db")


def test_a_deleted_database_file_refuses_writes_instead_of_acking(sqlite_file: str) -> None:
    store = Store(sqlite_file)
    iid = store.create(PLAN, "offline")
    Path(sqlite_file).unlink()
    with pytest.raises(StorageUnavailable, match="deleted or replaced"):
        store.add_turn(iid, 0, Turn("interviewer", "question", "q", "Why?"))
    with pytest.raises(StorageUnavailable, match="deleted or replaced"):
        store.create(PLAN, "offline")


def test_a_replaced_database_file_refuses_writes(sqlite_file: str, tmp_path: Path) -> None:
    store = Store(sqlite_file)
    other = tmp_path / "other.db"
    Store(other).close()
    Path(sqlite_file).unlink()
    other.rename(sqlite_file)
    with pytest.raises(StorageUnavailable):
        store.create(PLAN, "offline")


def test_full_or_read_only_storage_is_reported_not_raised_raw(sqlite_file: str) -> None:
    store = Store(sqlite_file)
    iid = store.create(PLAN, "offline")
    pages = store.db.fetchone("PRAGMA page_count")[0]
    store.db.fetchone(f"PRAGMA max_page_count = {pages}")  # the disk is full
    with pytest.raises(StorageUnavailable, match="full"):
        store.add_turn(iid, 0, Turn("interviewer", "question", "q", "x" * 100_000))
    store.db.fetchone("PRAGMA max_page_count = 1000000")
    store.db.fetchone("PRAGMA query_only = 1")  # read-only storage
    with pytest.raises(StorageUnavailable):
        store.add_turn(iid, 0, Turn("interviewer", "question", "q", "Why?"))


def test_a_damaged_file_is_refused_at_start_with_a_clear_message(sqlite_file: str) -> None:
    store = Store(sqlite_file)
    for _ in range(200):
        iid = store.create(PLAN, "offline")
        store.add_turn(iid, 0, Turn("interviewer", "question", "q", "Why? " * 50))
    store.db.fetchone("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    data = bytearray(Path(sqlite_file).read_bytes())
    assert len(data) > 8 * 4096
    for page in (3, 5, 7):  # overwrite whole pages in the middle of the file
        data[page * 4096:(page + 1) * 4096] = b"\xa5" * 4096
    Path(sqlite_file).write_bytes(bytes(data))
    with pytest.raises(StorageCorrupt, match="damaged"):
        Store(sqlite_file)


def test_not_a_database_at_all_is_refused(sqlite_file: str) -> None:
    Path(sqlite_file).write_bytes(b"this is not SQLite" * 1000)
    with pytest.raises(StorageCorrupt):
        Store(sqlite_file)


def test_backup_copies_what_is_still_in_the_wal(sqlite_file: str, tmp_path: Path) -> None:
    store = Store(sqlite_file)
    iid = store.create(PLAN, "offline")
    store.add_turn(iid, 0, Turn("interviewer", "question", "q", "Why?"))
    assert Path(sqlite_file + "-wal").stat().st_size > 0  # the data is not in the main file yet
    target = tmp_path / "backup.db"
    store.backup(target)
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT text FROM turns").fetchall() == [("Why?",)]
    assert Store(target).load(iid).turns[0].turn.text == "Why?"
