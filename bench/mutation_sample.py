"""Mutation testing on a random sample of the mutants, for a machine too slow for all of them.

Usage: .venv/bin/python bench/mutation_sample.py [--size 300] [--seed 8] [--jobs 2]
(`make mutate MUTATE_SAMPLE=300`). Generates every mutant of the modules under [tool.mutmut],
draws `size` of them at random with `seed`, runs mutmut on exactly those, and prints the
score table for the sample (bench/mutation_score.py). A uniform sample estimates the full
score without bias; the table says how many were drawn from how many.
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
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    generate(args.jobs)
    population = all_mutants()
    sample = sorted(random.Random(args.seed).sample(population, min(args.size, len(population))))
    (ROOT / "mutants" / "sample.txt").write_text("\n".join(sample) + "\n")
    print(f"running {len(sample)} mutants drawn at random (seed {args.seed}) "
          f"from {len(population)}", flush=True)
    entry = ROOT / "bench" / "mutmut_entry.py"  # not bin/mutmut: see that file
    subprocess.run([sys.executable, str(entry), "run", "--max-children", str(args.jobs),
                    *sample], cwd=ROOT, check=False)
    return subprocess.run([sys.executable, str(ROOT / "bench" / "mutation_score.py"),
                           "--only", str(ROOT / "mutants" / "sample.txt"),
                           "--population", str(len(population))], check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
