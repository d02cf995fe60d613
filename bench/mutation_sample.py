"""Mutation testing on a random sample of the mutants, for a machine too slow for all of them.

Usage: .venv/bin/python bench/mutation_sample.py [--size 300] [--seed 8] [--start 0] [--jobs 2]
(`make mutate MUTATE_SAMPLE=300 [MUTATE_START=300]`). Generates every mutant of the modules
under [tool.mutmut], shuffles them with `seed`, runs mutmut on the `size` mutants from
position `start` of that order, and prints the score table for every mutant from position 0
to `start + size` (bench/mutation_score.py). Any prefix of a random order is a uniform random
sample, so a sample can grow in chunks (`--start 250 --size 200` after `--size 250`) and a
slow machine can stop after any finished chunk without biasing the score: mutmut itself runs
the fastest mutants first, so a run stopped half-way would over-represent those. The table
says how many were drawn from how many.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def generate(jobs: int) -> None:
    """mutmut's own first step (copy the tree, write the mutants), without running tests."""
    os.chdir(ROOT)
    from mutmut import __main__ as mutmut_cli
    from mutmut.utils.file_utils import copy_also_copy_files, copy_src_dir

    Path("mutants").mkdir(exist_ok=True)
    mutmut_cli.set_mutant_under_test("mutant_generation")
    copy_src_dir()
    copy_also_copy_files()
    mutmut_cli.create_mutants(jobs)


def all_mutants() -> list[str]:
    names = []
    for meta in sorted((ROOT / "mutants").rglob("*.py.meta")):
        names.extend(json.loads(meta.read_text())["exit_code_by_key"])
    return sorted(names)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=300)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--start", type=int, default=0,
                        help="skip this many of the shuffled order (they ran in earlier chunks)")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    generate(args.jobs)
    population = all_mutants()
    order = population[:]
    random.Random(args.seed).shuffle(order)
    sample = sorted(order[:args.start + args.size])
    chunk = order[args.start:args.start + args.size]
    (ROOT / "mutants" / "sample.txt").write_text("\n".join(sample) + "\n")
    print(f"running {len(chunk)} mutants, positions {args.start} to "
          f"{args.start + len(chunk) - 1} of a random order (seed {args.seed}) of "
          f"{len(population)}; the sample so far is {len(sample)}", flush=True)
    entry = ROOT / "bench" / "mutmut_entry.py"  # not bin/mutmut: see that file
    subprocess.run([sys.executable, str(entry), "run", "--max-children", str(args.jobs),
                    *sorted(chunk)], cwd=ROOT, check=False)
    return subprocess.run([sys.executable, str(ROOT / "bench" / "mutation_score.py"),
                           "--only", str(ROOT / "mutants" / "sample.txt"),
                           "--population", str(len(population))], check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
