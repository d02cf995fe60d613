"""Time the offline grader on every answer of a calibration set, warm.

Usage: .venv/bin/python bench/bench_offline_grader.py [calibration/answers.jsonl] [--rounds N]
Targets: median under 20 ms per answer, the whole set under 5 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from interviewer.calibration import grade_request, load_set  # noqa: E402
from interviewer.library import default_library  # noqa: E402
from interviewer.offline import grade_answer  # noqa: E402

MEDIAN_TARGET_MS = 20.0
TOTAL_TARGET_S = 5.0


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation."""
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def run(path: Path, rounds: int) -> tuple[list[float], float]:
    """Per-answer milliseconds over the last round and the slowest round's total seconds."""
    rubrics = default_library().rubrics
    requests = [grade_request(item, rubrics[item.topic]) for item in load_set(path)]
    for req in requests:  # warm: compiled rubrics and stem caches
        grade_answer(req)
    times: list[float] = []
    worst_total = 0.0
    for _ in range(rounds):
        times = []
        start = time.perf_counter()
        for req in requests:
            t = time.perf_counter()
            grade_answer(req)
            times.append((time.perf_counter() - t) * 1000)
        worst_total = max(worst_total, time.perf_counter() - start)
    return times, worst_total


def main() -> int:
    """Print the timing table; exit 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = ROOT / "calibration" / "answers.jsonl"
    parser.add_argument("path", nargs="?", type=Path, default=default)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    times, total = run(args.path, max(1, args.rounds))
    median, p95, worst = statistics.median(times), percentile(times, 95), max(times)
    print(f"offline grader, {len(times)} answers, warm, slowest of {args.rounds} rounds")
    print("| metric | value | target |")
    print("|---|---|---|")
    print(f"| median ms/answer | {median:.2f} | < {MEDIAN_TARGET_MS:.0f} |")
    print(f"| p95 ms/answer | {p95:.2f} | |")
    print(f"| max ms/answer | {worst:.2f} | |")
    print(f"| total s for the set | {total:.3f} | < {TOTAL_TARGET_S:.0f} |")
    return 0 if median < MEDIAN_TARGET_MS and total < TOTAL_TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
