"""The mutation score per module from the last `mutmut run`, as a table.

Usage: .venv/bin/python bench/mutation_score.py   (run by `make mutate` after mutmut)

A mutant counts as killed when a test failed or it timed out (an endless loop the suite
noticed); "no tests" and "survived" count against the score. Mutants a stopped run never
reached ("not checked") are counted apart and left out of the score, so a partial run says how
partial it is.
"""

from __future__ import annotations

import argparse
import math
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


def tally(results: str, only: set[str] | None = None) -> dict[str, Counter[str]]:
    by_module: dict[str, Counter[str]] = defaultdict(Counter)
    for line in results.splitlines():
        match = LINE.match(line)
        if match and (only is None or line.split(":")[0].strip() in only):
            by_module[module_of(match["name"])][match["status"].strip()] += 1
    return by_module


def score(counts: Counter[str]) -> tuple[int, int]:
    considered = sum(n for status, n in counts.items()
                     if status not in ("skipped", "not checked"))
    return sum(counts[s] for s in KILLED), considered


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", type=Path, help="a file of mutant names: score just those")
    parser.add_argument("--population", type=int, help="how many mutants the sample came from")
    args = parser.parse_args()
    only = set(args.only.read_text().split()) if args.only else None
    mutmut = Path(sys.executable).with_name("mutmut")
    results = subprocess.run([str(mutmut), "results", "--all", "true"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout
    by_module = tally(results, only)
    if not by_module:
        print("no mutmut results: run `make mutate` first")
        return 1
    print("| module | checked | killed | survived | no tests | timeout | not checked | score |")
    print("|---|---|---|---|---|---|---|---|")
    total = Counter()
    for module in sorted(by_module):
        counts = by_module[module]
        total.update(counts)
        killed, considered = score(counts)
        print(f"| `{module}` | {considered} | {killed} | {counts['survived']} | "
              f"{counts['no tests']} | {counts['timeout']} | {counts['not checked']} | "
              f"{_percent(killed, considered)} |")
    killed, considered = score(total)
    print(f"| all | {considered} | {killed} | {total['survived']} | {total['no tests']} | "
          f"{total['timeout']} | {total['not checked']} | {_percent(killed, considered)} "
          f"(target {TARGET:.0%}) |")
    if args.population and considered:
        low, high = wilson(killed, considered)
        print(f"\nA random sample of {considered + total['not checked']} of "
              f"{args.population} mutants; {considered} checked. 95% interval for the full "
              f"score: {low:.1%} to {high:.1%} (Wilson).")
    return 0 if considered and killed / considered >= TARGET else 2


def wilson(hits: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval for a proportion: sound even at 0 or n hits."""
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def _percent(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "-"


if __name__ == "__main__":
    sys.exit(main())
