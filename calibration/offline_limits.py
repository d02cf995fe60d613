"""What the offline grader cannot judge, measured: fluent wrong designs and essays on a
neighbouring subject, and why the lexical signals it has do not separate them.

    python calibration/offline_limits.py                  # the newest nine blind sets
    python calibration/offline_limits.py calibration/blind-holdout-20.jsonl ...

Per set: how many wrong designs grade above 2 and how many off-topic essays above 1.5 (the rules
`interviewer calibrate` checks for every item), and how many wrong designs raise a red flag.
Over all the sets given, two diagnostics:

- readings: each reading that keeps a red-flag cue from firing (a warning near it, a count
  that differs, an option set aside, ...) switched off in turn: how many unflagged wrong
  designs would then raise a flag, against how many good answers (labelled 2.5 or more) would
  raise a flag they did not raise before. Few gains mean the misses are cue wording, not
  over-cautious readings.
- own words: the exemption that keeps an answer in the candidate's own words from the
  outline-coverage ceiling: how many off-topic essays above 1.5 pass through it, against how
  many good answers it protects.

These figures are measured on sets that have been tuned on (all but the newest are tuning
data); they describe the grader's limits, not a holdout.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from interviewer import calibration  # noqa: E402
from interviewer.offline import grader, red_flags  # noqa: E402

WRONG_DESIGN_CEILING = 2.0
OFF_TOPIC_CEILING = 1.5
GOOD = 2.5  # a label at or above this is an answer a red flag must not sink
NEWEST = 9
# the readings in red_flags._raised that stop a plain cue from firing
READINGS = ("_warns", "_counted_otherwise", "_each_for_the", "set_aside", "_qualifies_no_plan")


@dataclass(frozen=True)
class Row:
    """One labelled answer as the offline grader read it."""

    set: str
    id: str
    kind: str
    label: float
    grade: float
    flagged: bool
    own_words: bool
    below_outline: bool  # covers so little of the outline that, but for own words, it is held
    gained: tuple[str, ...]  # readings whose removal makes the answer raise a flag


def newest_sets(n: int = NEWEST) -> list[Path]:
    """The n blind holdouts with the highest numbers, wherever they wait."""
    found = list((ROOT / "calibration").glob("blind-holdout-*.jsonl"))
    found += (ROOT / "calibration" / "pending").glob("blind-holdout-*.jsonl")

    def number(p: Path) -> int:
        return int(re.sub(r"\D", "", p.stem) or 0)

    return sorted(found, key=number)[-n:]


@contextmanager
def reading_off(name: str) -> Iterator[None]:
    """Switch one red-flag reading off: it never holds a cue back."""
    kept: Callable[..., bool] = getattr(red_flags, name)
    setattr(red_flags, name, lambda *args, **kwargs: False)
    try:
        yield
    finally:
        setattr(red_flags, name, kept)


def _flag_ids(request: calibration.GradeRequest, read: grader.AnswerReading) -> set[str]:
    return {h.id for h in red_flags.find_red_flags(request.rubric.red_flags, read.reading)}


def read_item(set_name: str, item: calibration.CalibrationItem) -> Row | None:
    """Grade one library-question answer offline and read the signals this report needs."""
    on_library = calibration._library_question(item)
    if on_library is None:
        return None
    rubric, outline = on_library
    request = calibration.grade_request(item, rubric, strong_answer=outline)
    read = grader.read_request(request)
    grade = grader.grade_answer(request, read)
    flags = {h.id for h in grade.red_flags}  # the grader's own find_red_flags, read once
    gained = []
    if item.kind != "off-topic":
        for name in READINGS:
            with reading_off(name):
                if _flag_ids(request, read) - flags:
                    gained.append(name)
    cov = grader.outline_coverage(request, grader._said_stems(read.reading))
    below = grader.outline_ceiling(cov, read.reading) is not None  # no rubric: no exemption
    return Row(set=set_name, id=item.id, kind=item.kind, label=item.label.overall,
               grade=grade.overall, flagged=bool(flags),
               own_words=grader.in_own_words(read.rubric, read.reading),
               below_outline=below, gained=tuple(gained))


def read_sets(paths: Sequence[Path]) -> list[Row]:
    rows = []
    for path in paths:
        for item in calibration.load_set(path):
            row = read_item(path.stem, item)
            if row is not None:
                rows.append(row)
    return rows


def good(row: Row) -> bool:
    return row.kind in ("honest", "plain-rewrite") and row.label >= GOOD


def set_table(rows: Sequence[Row]) -> list[str]:
    """Per set: wrong designs above 2 (and flagged), off-topic essays above 1.5."""
    out = ["| set | wrong designs above 2 | wrong designs flagged | off-topic above 1.5 |",
           "|---|---|---|---|"]
    for name in dict.fromkeys(r.set for r in rows):
        wrong = [r for r in rows if r.set == name and r.kind == "wrong-design"]
        essays = [r for r in rows if r.set == name and r.kind == "off-topic"]
        over = sum(r.grade > WRONG_DESIGN_CEILING for r in wrong)
        out.append(f"| {name} | {over} of {len(wrong)} | {sum(r.flagged for r in wrong)} | "
                   f"{sum(r.grade > OFF_TOPIC_CEILING for r in essays)} of {len(essays)} |")
    return out


def readings_table(rows: Sequence[Row]) -> list[str]:
    """Per reading switched off: unflagged wrong designs it would catch, good answers on which
    it would raise a flag they did not raise before."""
    missed = [r for r in rows if r.kind == "wrong-design" and not r.flagged]
    protected = [r for r in rows if good(r)]
    out = [f"Unflagged wrong designs: {len(missed)}; good answers: {len(protected)}.", "",
           "| reading switched off | wrong designs it would catch | good answers it would flag |",
           "|---|---|---|"]
    for name in READINGS:
        out.append(f"| {name} | {sum(name in r.gained for r in missed)} | "
                   f"{sum(name in r.gained for r in protected)} |")
    return out


def own_words_lines(rows: Sequence[Row]) -> list[str]:
    """The own-words exemption from the outline ceiling: the essays it lets through against
    the good answers it keeps from being held."""
    exempt = [r for r in rows if r.own_words and r.below_outline]
    essays = [r for r in rows if r.kind == "off-topic" and r.grade > OFF_TOPIC_CEILING]
    return [f"Off-topic essays above 1.5: {len(essays)}; of them, exempt from the outline "
            f"ceiling as an answer in the candidate's own words: "
            f"{sum(r in exempt for r in essays)}.",
            f"Good answers the same exemption keeps from the ceiling: "
            f"{sum(good(r) for r in exempt)}."]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sets", nargs="*", type=Path,
                        help=f"labelled sets (default: the newest {NEWEST} blind holdouts)")
    args = parser.parse_args(argv)
    rows = read_sets(args.sets or newest_sets())
    for block in (set_table(rows), readings_table(rows), own_words_lines(rows)):
        print("\n".join(block), end="\n\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
