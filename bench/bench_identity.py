"""What identity costs: argon2id at production parameters, the per-request owner lookups, and
History pages at any depth (keyset pagination). Prints a table; times are this machine's.

    .venv/bin/python bench/bench_identity.py [--rows 20000]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from interviewer.identity import credentials
from interviewer.identity.accounts import Accounts
from interviewer.storage import Store


def _ms(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median and max milliseconds of `repeat` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def _fill(store: Store, rows: int) -> None:
    with store.db.transaction() as tx:
        for n in range(rows):
            tx.execute("INSERT INTO interviews (id, created_at, mode, model, question_ids, owner)"
                       " VALUES (?, ?, 'single', 'offline', '[\"q\"]', 'owner')",
                       (f"id{n:06d}", f"2026-01-01T{n // 3600 % 24:02d}:{n // 60 % 60:02d}:"
                                      f"{n % 60:02d}.000000+00:00"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.db")
        accounts = Accounts(store)
        owner = accounts.sign_up("bench-user", "a long bench password").owner_id
        hashed = credentials.hash_password("a long bench password")
        token = accounts.create_token(owner, "bench")[1]
        session = accounts.new_session(owner)
        _fill(store, args.rows)
        cursors = [None]
        while len(cursors) < args.rows // 20:
            page, cursor = store.list_page("owner", cursors[-1])
            if cursor is None:
                break
            cursors.append(cursor)
        rows = [
            ("argon2id hash (64 MiB, t=3)", *_ms(lambda: credentials.hash_password("pw" * 8), 5)),
            ("argon2id verify", *_ms(lambda: credentials.password_matches(hashed, "x" * 12), 5)),
            ("API token lookup", *_ms(lambda: accounts.token_owner(token), 200)),
            ("session lookup", *_ms(lambda: accounts.session_owner(session), 200)),
            ("History page 1 (20 rows)", *_ms(lambda: store.list_page("owner"), 50)),
            (f"History page {len(cursors)} (the last)",
             *_ms(lambda: store.list_page("owner", cursors[-1]), 50)),
        ]
    print(f"{'operation':<36} {'median ms':>10} {'max ms':>9}   ({args.rows:,} interviews)")
    for name, median, worst in rows:
        print(f"{name:<36} {median:>10.2f} {worst:>9.2f}")


if __name__ == "__main__":
    main()
