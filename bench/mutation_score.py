"""The mutation score per module from the last `mutmut run`, as a table.

Usage: .venv/bin/python bench/mutation_score.py   (run by `make mutate` after mutmut)

A mutant counts as killed when a test failed or it timed out (an endless loop the suite
noticed); "no tests" and "survived" count against the score, "skipped" is left out.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = 0.85
LINE = re.compile(r"^\s+(?P<name>\S+)__mutmut_\d+: (?P<status>.+)$")
KILLED = {"killed", "timeout", "caught by type check"}


def module_of(mutant: str) -> str:
    """`interviewer.engine.x_next_step__mutmut_3` -> `interviewer.engine`."""
    parts = mutant.split(".")
    for index, part in enumerate(parts):
        if part.startswith(("x_", "xǁ")):
            return ".".join(parts[:index])
    return ".".join(parts[:-1])


def tally(results: str) -> dict[str, Counter[str]]:
    by_module: dict[str, Counter[str]] = defaultdict(Counter)
    for line in results.splitlines():
        match = LINE.match(line)
        if match:
            by_module[module_of(match["name"])][match["status"].strip()] += 1
    return by_module


def score(counts: Counter[str]) -> tuple[int, int]:
    considered = sum(n for status, n in counts.items() if status != "skipped")
    return sum(counts[s] for s in KILLED), considered


def main() -> int:
    mutmut = Path(sys.executable).with_name("mutmut")
    results = subprocess.run([str(mutmut), "results", "--all", "true"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout
    by_module = tally(results)
    if not by_module:
        print("no mutmut results: run `make mutate` first")
        return 1
    print("| module | mutants | killed | survived | no tests | timeout | score |")
    print("|---|---|---|---|---|---|---|")
    total = Counter()
    for module in sorted(by_module):
        counts = by_module[module]
        total.update(counts)
        killed, considered = score(counts)
        print(f"| `{module}` | {considered} | {killed} | {counts['survived']} | "
              f"{counts['no tests']} | {counts['timeout']} | {killed / considered:.1%} |")
    killed, considered = score(total)
    print(f"| all | {considered} | {killed} | {total['survived']} | {total['no tests']} | "
          f"{total['timeout']} | {killed / considered:.1%} (target {TARGET:.0%}) |")
    return 0 if killed / considered >= TARGET else 2


if __name__ == "__main__":
    sys.exit(main())
