"""State every server process must see the same way, kept in the database, never in memory:
per-interview leases, idempotency keys, the rate-limit log and per-interview token spend."""

from __future__ import annotations

import asyncio
import contextlib
import math
import secrets
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from interviewer.storage.backends import Database
from interviewer.storage.errors import StorageUnavailable
from interviewer.storage.offload import Offload

Clock = Callable[[], float]
T = TypeVar("T")


class Busy(Exception):
    """Another request held the interview for longer than this one would wait."""


@dataclass
class Held(Generic[T]):
    """What `Leases.hold` gives its block: `value`, what `then` returned once the lease was
    taken; `last`, a blocking call the block may set to run just before the lease is let
    go, in the same trip to a worker thread; `result`, what `last` returned."""

    value: T = None  # type: ignore[assignment]  # set before the block runs
    last: Callable[[], Any] | None = None
    result: Any = None


class Leases:
    """Named, expiring locks: whoever holds `interview:<id>` is the only one advancing it.

    A lease is a row with a holder and an expiry. The holder renews it while it works, so a
    slow model call keeps it; a killed process stops renewing and the lease lapses after
    `ttl` seconds, so no interview stays locked by a process that is gone.
    """

    def __init__(self, db: Database, clock: Clock = time.time, run: Offload | None = None):
        self.db = db
        self.clock = clock
        self.run = run or Offload(1)

    def try_acquire(self, name: str, holder: str, ttl: float) -> bool:
        now = self.clock()
        changed = self.db.execute(
            "INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)"
            " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder,"
            " expires_at = excluded.expires_at"
            " WHERE leases.expires_at < ? OR leases.holder = excluded.holder",
            (name, holder, now + ttl, now))
        return changed == 1

    def renew(self, name: str, holder: str, ttl: float) -> bool:
        return self.db.execute("UPDATE leases SET expires_at = ? WHERE name = ? AND holder = ?",
                               (self.clock() + ttl, name, holder)) == 1

    def release(self, name: str, holder: str) -> None:
        self.db.execute("DELETE FROM leases WHERE name = ? AND holder = ?", (name, holder))

    @asynccontextmanager
    async def hold(self, name: str, ttl: float = 30.0, wait: float = 300.0,
                   then: Callable[[], T] | None = None, first: Callable[[], object] | None = None
                   ) -> AsyncIterator[Held[T]]:
        """Hold the lease for the block, waiting (without blocking the loop) for it to be
        free; raises Busy after `wait` seconds.

        Each trip to a worker thread costs a request a wait for the event loop on its way
        back, and under load those waits were most of PostgreSQL's added latency, so the
        lease's trips carry the caller's blocking work along: `first` runs once, before the
        first attempt to take the lease (an answer is stored before anything else, the
        lease included); `then` runs once it is taken, and its result is `Held.value`; a
        `Held.last` the block sets runs in the trip that lets the lease go, before it goes,
        and its result is `Held.result`.

        The release is in the `finally` of the whole block, acquiring included, and each
        call is waited out through a cancellation, so a request cancelled at any point never
        leaves its lease behind.
        """
        holder = secrets.token_hex(12)
        deadline, delay = time.monotonic() + wait, 0.005
        renewer: asyncio.Task[None] | None = None
        held: Held[T] = Held()
        try:
            while not (taken := await self.run(self._take, name, holder, ttl, then, first))[0]:
                first = None  # done, whether or not the lease was free
                if time.monotonic() > deadline:
                    raise Busy(f"{name} is busy: another request is still working on it")
                await asyncio.sleep(delay)
                delay = min(delay * 2, 0.1)
            held.value = taken[1]
            renewer = asyncio.create_task(self._keep(name, holder, ttl))
            try:
                yield held
            except BaseException:
                held.last = None  # only a block that ended well has its last word
                raise
        finally:
            if renewer is not None:
                renewer.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await renewer
            await self.run(self._let_go, name, holder, held)

    def _take(self, name: str, holder: str, ttl: float, then: Callable[[], T] | None,
              first: Callable[[], object] | None) -> tuple[bool, T | None]:
        if first is not None:
            first()
        if not self.try_acquire(name, holder, ttl):
            return False, None
        return True, None if then is None else then()

    def _let_go(self, name: str, holder: str, held: Held[T]) -> None:
        try:
            if held.last is not None:
                held.result = held.last()
        finally:
            self.release(name, holder)

    async def _keep(self, name: str, holder: str, ttl: float) -> None:
        while True:
            await asyncio.sleep(ttl / 3)
            with contextlib.suppress(StorageUnavailable):  # then the lease lapses: the
                await self.run(self.renew, name, holder, ttl)  # primary keys still refuse
                # a duplicate turn


@dataclass(frozen=True)
class Claimed:
    """This request may run; `resource` is what an earlier, failed attempt already made."""

    holder: str
    resource: str | None


@dataclass(frozen=True)
class Replay:
    """The first response to this key, to be sent again as it was."""

    status_code: int
    body: str


class InProgress(Exception):
    """A request with this key is running now."""


class KeyReused(ValueError):
    """The key was first used for a request with a different body."""


class Idempotency:
    """Idempotency keys: the first request with a key runs; its success is stored and
    replayed for every repeat; a repeat with a different body is refused.

    A key is kept for `keep_seconds` (a day by default, as payment APIs do); after that a
    repeat runs as a new request. Expired keys are deleted on the way, a bounded batch every
    `sweep_every` claims per process, so no request pays for a sweep of the whole table.
    """

    SWEEP_BATCH = 500

    def __init__(self, db: Database, clock: Clock = time.time, keep_seconds: float = 86_400.0,
                 sweep_every: int = 100):
        self.db = db
        self.clock = clock
        self.keep_seconds = keep_seconds
        self.sweep_every = sweep_every
        self._claims = 0

    def expire(self) -> int:
        """Delete up to SWEEP_BATCH keys older than `keep_seconds`; how many went."""
        cutoff = _iso(self.clock() - self.keep_seconds)
        return self.db.execute(
            "DELETE FROM idempotency_keys WHERE (scope, key) IN (SELECT scope, key FROM"
            " idempotency_keys WHERE created_at < ? ORDER BY created_at LIMIT ?)",
            (cutoff, self.SWEEP_BATCH))

    def begin(self, scope: str, key: str, request_hash: str, ttl: float = 60.0
              ) -> Claimed | Replay:
        """Claim the key, or return the stored response; InProgress while another runs."""
        self._claims += 1
        if self._claims % self.sweep_every == 0:
            self.expire()
        now, holder = self.clock(), secrets.token_hex(12)
        with self.db.transaction(lock=f"idem:{scope}:{key}") as tx:
            row = tx.fetchone("SELECT * FROM idempotency_keys WHERE scope = ? AND key = ?",
                              (scope, key))
            if row is not None and row["created_at"] < _iso(now - self.keep_seconds):
                tx.execute("DELETE FROM idempotency_keys WHERE scope = ? AND key = ?",
                           (scope, key))  # expired, not yet swept: a new request
                row = None
            if row is None:
                tx.execute("INSERT INTO idempotency_keys (scope, key, request_hash, holder,"
                           " expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                           (scope, key, request_hash, holder, now + ttl, _iso(now)))
                return Claimed(holder, None)
            if row["request_hash"] != request_hash:
                raise KeyReused("this Idempotency-Key was already used for a different "
                                "request; send a new key for a new request")
            if row["status_code"] is not None:
                return Replay(row["status_code"], row["response"])
            if row["expires_at"] >= now:
                raise InProgress(key)
            tx.execute("UPDATE idempotency_keys SET holder = ?, expires_at = ?"
                       " WHERE scope = ? AND key = ?", (holder, now + ttl, scope, key))
            return Claimed(holder, row["resource"])

    def set_resource(self, scope: str, key: str, resource: str) -> None:
        """Remember what the request created, so a retry after a failure reuses it."""
        self.db.execute("UPDATE idempotency_keys SET resource = ? WHERE scope = ? AND key = ?",
                        (resource, scope, key))

    def complete(self, scope: str, key: str, holder: str, status_code: int, body: str) -> None:
        self.db.execute("UPDATE idempotency_keys SET status_code = ?, response = ?, holder = NULL"
                        " WHERE scope = ? AND key = ? AND holder = ?",
                        (status_code, body, scope, key, holder))

    def abandon(self, scope: str, key: str, holder: str) -> None:
        """The request failed: let the next retry run it again at once."""
        self.db.execute("UPDATE idempotency_keys SET expires_at = 0, holder = NULL"
                        " WHERE scope = ? AND key = ? AND holder = ?", (scope, key, holder))


def _iso(at: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(at))


class RateLog:
    """A sliding one-minute window of requests per client, shared by every process."""

    WINDOW = 60.0

    def __init__(self, db: Database):
        self.db = db
        self._calls = 0

    def retry_after(self, client: str, per_minute: int, now: float) -> int | None:
        """Record a request; None if allowed, else whole seconds until one is."""
        self._calls += 1
        sweep = self._calls % 500 == 0  # clients that went quiet leave no rows behind
        if self.db.dialect == "postgresql":  # the same steps in one round trip (migration 0009)
            row = self.db.fetchone("SELECT rate_window_take(?, ?, ?, ?, ?) AS wait",
                                   (client, per_minute, now, self.WINDOW, sweep))
            return None if row is None else row["wait"]
        with self.db.transaction(lock=f"rate:{client}") as tx:
            if sweep:
                tx.execute("DELETE FROM rate_events WHERE at <= ?", (now - self.WINDOW,))
            else:
                tx.execute("DELETE FROM rate_events WHERE client = ? AND at <= ?",
                           (client, now - self.WINDOW))
            row = tx.fetchone("SELECT COUNT(*) AS n, MIN(at) AS first FROM rate_events"
                              " WHERE client = ?", (client,))
            if row["n"] >= per_minute:
                return max(1, math.ceil(row["first"] + self.WINDOW - now))
            tx.execute("INSERT INTO rate_events (client, at) VALUES (?, ?)", (client, now))
            return None


class TokenSpend:
    """Tokens each interview has spent on the model, for the per-interview cap.

    While a request holds an interview's lease (`held`), no other process spends on it, so
    the figure read first is kept and every write updates it from what the database
    returns: one read per request instead of one before every model call.

    The service holds it from the event loop (`start` once the lease is taken, `finish`
    before it is let go), where the model charges its spend synchronously mid-request.
    There the kept figure moves at once by the same arithmetic the database does, and the
    write is queued: the store writes an interview's queued spend, in order, just before
    its next write to that interview (the grade, the next turn), in the same trip to a
    worker thread, and `finish` writes what is left before the service lets the lease go,
    so spend is never left unrecorded.
    """

    _UPSERT = "INSERT INTO token_spend (interview_id, tokens) VALUES (?, ?) ON CONFLICT"
    _ADD = _UPSERT + " (interview_id) DO UPDATE SET tokens = token_spend.tokens + excluded.tokens"
    _RAISE = (_UPSERT + " (interview_id) DO UPDATE SET tokens = CASE"
              " WHEN token_spend.tokens > excluded.tokens THEN token_spend.tokens"
              " ELSE excluded.tokens END")

    def __init__(self, db: Database, run: Offload | None = None):
        self.db = db
        self.run = run or Offload(1)
        self._held: dict[str, int | None] = {}
        self._queued: dict[str, list[tuple[str, int]]] = {}  # while held by `start`

    @contextlib.contextmanager
    def held(self, interview_id: str) -> Iterator[None]:
        """Keep this interview's figure for the block; the caller holds its lease."""
        self._held[interview_id] = None
        try:
            yield
        finally:
            self._held.pop(interview_id, None)

    @asynccontextmanager
    async def holding(self, interview_id: str) -> AsyncIterator[None]:
        """`held` for a coroutine (the caller holds the lease): `start`, then `finish`."""
        self.start(interview_id)
        try:
            yield
        finally:
            await self.finish(interview_id)

    def start(self, interview_id: str) -> None:
        """Hold the figure: from now `Store.load` reads it with the interview, and writes
        are queued for the store's next trip to a worker thread. Only under the lease:
        it would overwrite another request's hold on the same interview."""
        self._held[interview_id] = None
        self._queued[interview_id] = []

    async def finish(self, interview_id: str) -> None:
        """Write whatever is still queued, then let the figure go: before the lease."""
        try:
            await self.settle(interview_id)
        finally:
            self.drop(interview_id)

    def drop(self, interview_id: str) -> None:
        self._queued.pop(interview_id, None)
        self._held.pop(interview_id, None)

    async def settle(self, interview_id: str) -> None:
        """Write the interview's queued spend now, in a worker thread (through a
        cancellation too): the service calls it before letting the lease go."""
        if self._queued.get(interview_id):
            await self.run(self.flush, interview_id)

    def flush(self, interview_id: str) -> None:
        """Write the spend queued for this interview, oldest first. Blocking: the store
        calls it in a worker thread before each write to the interview."""
        queued = self._queued.get(interview_id)
        while queued:
            sql, tokens = queued[0]
            self.db.execute(sql, (interview_id, tokens))
            queued.pop(0)  # only once written: a failed write is tried again, not lost

    def wanted(self, interview_id: str) -> bool:
        """Whether the figure is held but not yet known: a read of the interview now can
        bring it along (`keep`)."""
        return interview_id in self._held and self._held[interview_id] is None

    def keep(self, interview_id: str, tokens: int) -> None:
        """The figure, as read with the interview, kept while it is held."""
        self._keep(interview_id, int(tokens))

    def spent(self, interview_id: str) -> int:
        known = self._held.get(interview_id)
        if known is not None:
            return known
        row = self.db.fetchone("SELECT tokens FROM token_spend WHERE interview_id = ?",
                               (interview_id,))
        return self._keep(interview_id, 0 if row is None else int(row["tokens"]))

    def add(self, interview_id: str, tokens: int) -> None:
        if not self._later(interview_id, self._ADD, tokens, lambda known: known + tokens):
            self._write(interview_id, self._ADD, tokens)

    def raise_to(self, interview_id: str, tokens: int) -> None:
        """Never forget spend: keep the larger of what is counted and `tokens`."""
        if not self._later(interview_id, self._RAISE, tokens, lambda known: max(known, tokens)):
            self._write(interview_id, self._RAISE, tokens)

    def _keep(self, interview_id: str, tokens: int) -> int:
        if interview_id in self._held:
            self._held[interview_id] = tokens
        return tokens

    def _later(self, interview_id: str, sql: str, tokens: int,
               then: Callable[[int], int]) -> bool:
        """Held by `start`, with the figure known: queue the write, keep the figure it will
        make, and return True."""
        queued, known = self._queued.get(interview_id), self._held.get(interview_id)
        if queued is None or known is None:
            return False
        self._held[interview_id] = then(known)
        queued.append((sql, tokens))
        return True

    def _write(self, interview_id: str, sql: str, tokens: int) -> None:
        if interview_id not in self._held:
            self.db.execute(sql, (interview_id, tokens))
        elif self.db.dialect == "postgresql":  # autocommit: the write and its result, one trip
            row = self.db.fetchone(sql + " RETURNING tokens", (interview_id, tokens))
            self._keep(interview_id, int(row["tokens"]))
        else:  # SQLite before 3.35 has no RETURNING; in-process, a second statement is cheap
            with self.db.transaction() as tx:
                tx.execute(sql, (interview_id, tokens))
                row = tx.fetchone("SELECT tokens FROM token_spend WHERE interview_id = ?",
                                  (interview_id,))
            self._keep(interview_id, int(row["tokens"]))
