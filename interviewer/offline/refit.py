"""Refitting the offline grader's scoring layer (prompts/offline/fit.yaml) on labelled sets.

    python -m interviewer.offline.refit            # fit on the blind sets in SETS, write the file
    python -m interviewer.offline.refit --folds    # leave-one-set-out figures, nothing written
    python -m interviewer.offline.refit --folds --sets blind-tuning.jsonl ...  # other sets
    python -m interviewer.offline.refit --folds --original  # held-out questions as first written

Per criterion kind, an ordered-logit model is fitted from four signals (concept credit,
recipe credit, square root of depth, share of the question's topic criteria named) to the
expert's criterion labels, with non-negative
weights and a little L2 shrinkage; its cut-points become the level thresholds. Only criterion
labels that no cap touches are fitted on (no off-topic, thin, keyword or generic cap, no red
flag, no outline ceiling): the caps decide those answers' levels, not the thresholds.
"""

from __future__ import annotations

import argparse
import asyncio
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from interviewer.library import TOPIC_CRITERIA
from interviewer.models.base import GradeRequest
from interviewer.offline import first_written, fitted
from interviewer.offline.grader import criterion_signals, grade_answer, read_request
from interviewer.paths import calibration_dir, data_root
from interviewer.scoring import AnswerGrade

# Every blind set is tuning data now; each was written on different questions by different
# authors, so leaving one out at a time (--folds) measures the fit on questions it never saw.
SETS = ("blind-tuning.jsonl", "blind-holdout.jsonl", "blind-holdout-2.jsonl",
        "blind-holdout-3.jsonl", "blind-holdout-4.jsonl", "blind-holdout-5.jsonl",
        "blind-holdout-6.jsonl", "blind-holdout-7.jsonl", "blind-holdout-8.jsonl",
        "blind-holdout-9.jsonl", "blind-holdout-10.jsonl", "blind-holdout-11.jsonl",
        "blind-holdout-12.jsonl")
KINDS = ("topic", "structure", "trade-offs")
SHRINK = 1.0  # L2 penalty on the standardised weights: keeps the blend near an even mix
STEPS = 3000
RATE = 0.05
COMMAND = "python -m interviewer.offline.refit"


@dataclass(frozen=True)
class Row:
    """One labelled criterion: its kind, its four signals and the expert's level."""

    kind: str
    concept: float
    recipe: float
    depth: float
    label: int
    named: float = 0.0

    def signals(self) -> list[float]:
        """The signals in the order the weights take them (fitted.SIGNALS)."""
        return [self.concept, self.recipe, math.sqrt(max(0.0, self.depth)), self.named]


def item_rows(item) -> list[Row]:
    """The uncapped, labelled criteria of one calibration item, with their signals."""
    from interviewer.calibration import _library_question, grade_request

    rubric_model, outline = _library_question(item) or (None, [])
    if rubric_model is None:
        return []
    request = grade_request(item, rubric_model, strong_answer=outline)
    read = read_request(request)
    grade = grade_answer(request, read)
    if grade.overall_cap is not None or not read.answer.strip():
        return []
    flagged = {h.criterion for h in grade.red_flags}
    shared = {c.id for c in read.rubric.criteria if c.shared}
    rows = []
    for cid, (kind, signals, free) in criterion_signals(read).items():
        label = item.label.criteria.get(cid)
        hit = cid in flagged or (TOPIC_CRITERIA in flagged and cid not in shared)
        if label is not None and free and not hit:
            rows.append(Row(kind, signals.concept, signals.recipe, signals.depth, label,
                            signals.named))
    return rows


def set_rows(paths: Sequence[Path]) -> list[Row]:
    """Every fitting row of the labelled sets."""
    from interviewer.calibration import load_set

    return [row for path in paths for item in load_set(path) for row in item_rows(item)]


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def _gradients(z: np.ndarray, y: np.ndarray, w: np.ndarray,
               c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Gradients of the mean ordered-logit log-likelihood (minus the shrinkage)."""
    n = len(y)
    s = z @ w
    cum = np.column_stack([np.zeros(n), _sigmoid(c[None, :] - s[:, None]), np.ones(n)])
    p = np.maximum(cum[np.arange(n), y] - cum[np.arange(n), y - 1], 1e-12)
    gc, gs = np.zeros(3), np.zeros(n)
    for j in (1, 2, 3):
        q = _sigmoid(c[j - 1] - s)
        slope = q * (1 - q) * ((y == j).astype(float) - (y - 1 == j).astype(float)) / p
        gc[j - 1] = slope.sum()
        gs -= slope
    return (z.T @ gs - SHRINK * w) / n, gc / n


def fit_kind(rows: Sequence[Row]) -> fitted.KindFit:
    """Ordered logit from the signals to the labels: non-negative weights, rising cut-points.
    Deterministic (fixed start, fixed steps), so a refit on the same rows gives the same file."""
    x = np.array([r.signals() for r in rows], float)
    y = np.array([r.label for r in rows], int)
    mean, spread = x.mean(0), x.std(0)
    spread = np.where(spread > 1e-9, spread, np.inf)  # a constant signal gets no weight
    z = (x - mean) / spread
    params = [np.full(x.shape[1], 0.5), np.array([-1.0, 0.0, 1.0])]
    first = [np.zeros_like(p) for p in params]
    second = [np.zeros_like(p) for p in params]
    for step in range(1, STEPS + 1):
        grads = _gradients(z, y, *params)
        for i, g in enumerate(grads):  # Adam, ascending the likelihood
            first[i] = 0.9 * first[i] + 0.1 * g
            second[i] = 0.999 * second[i] + 0.001 * g ** 2
            params[i] = params[i] + RATE * (first[i] / (1 - 0.9 ** step)) / (
                np.sqrt(second[i] / (1 - 0.999 ** step)) + 1e-8)
        params = [np.maximum(params[0], 0.0), np.sort(params[1])]
    weights = params[0] / spread
    cuts = params[1] + float(weights @ mean)
    return fitted.KindFit(weights=fitted.Weights(**dict(zip(fitted.SIGNALS, np.round(
        weights, 4).tolist(), strict=True))), cuts=tuple(np.round(cuts, 3).tolist()))


def fit_rows(rows: Sequence[Row], names: Sequence[str]) -> fitted.FittedLevels:
    """One fit per criterion kind from the rows."""
    by_kind: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        by_kind[r.kind].append(r)
    return fitted.FittedLevels.model_validate({
        **{kind: fit_kind(by_kind[kind]) for kind in KINDS},
        "fitted_on": list(names), "rows": {kind: len(by_kind[kind]) for kind in KINDS}})


HEADER = """\
# The offline grader's fitted scoring layer (interviewer/offline/fitted.py). Per criterion
# kind, a criterion's score is concept * concept credit + recipe * its recipe's credit
# (signposts, contrasts, decisions) + depth_root * sqrt(the answer's depth) + named * the share
# of the question's topic criteria the answer names anything of; it reaches level 2, 3 and 4
# at the three cuts (times the target level's bar, prompts/offline/levels.yaml).
# Fitted by ordered logistic regression (non-negative weights, L2 shrinkage) on the criterion
# labels of the sets in `fitted_on`, leaving out criteria a cap decides (off-topic, thin,
# keyword list, generic, red flag, outline ceiling). Do not edit by hand: refit with
#   {command}
# after changing the grader's signals or the labelled sets, and commit the result.
"""


def write_fit(fit: fitted.FittedLevels, path: Path) -> None:
    """The fit as YAML with the comment saying what was fitted and how to refit it."""
    body = fit.model_dump(by_alias=True, mode="json")
    for kind in KINDS:
        body[kind]["cuts"] = list(body[kind]["cuts"])
    path.write_text(HEADER.format(command=COMMAND)
                    + yaml.safe_dump(body, sort_keys=False, width=96), encoding="utf-8")


def _fold_line(held: str, report) -> str:
    rules = ", ".join(f"{k.kind} {'pass' if k.passed else 'FAIL ' + str(len(k.failures))}"
                      for k in report.kinds if k.passed is not None)
    bias = " ".join(f"{s.style} {s.bias:+.2f}" for s in report.styles)
    o = report.overall
    return (f"| {held} | {o.qwk:.3f} | {o.spearman:.3f} | {o.exact:.0%} | {rules} | {bias} |")


class _InProcess:
    """The offline grader in this process: the shared pool's workers are fresh interpreters
    that would load the shipped fit, not the fold's."""

    name = "offline"

    async def grade(self, request: GradeRequest) -> AnswerGrade:
        """Grade with the offline grader and whatever fit `fitted.fit_in_use` put in place."""
        return grade_answer(request)


def _graded(held: Path, original: bool) -> tuple[object, str]:
    """The held-out set graded by the fit in use; with `original`, on its questions' outlines
    and red flags as first written and the rubrics as they were when the set was committed
    (first_written.py), with a note saying what was swapped."""
    from interviewer.calibration import load_set, run_calibration
    from interviewer.library import default_library

    items = load_set(held)
    if not original:
        return asyncio.run(run_calibration(_InProcess(), items)), ""
    library, root = default_library(), data_root()
    firsts, changed = first_written.originals(library, root,
                                              (i.question_id for i in items if i.question_id))
    commit = first_written.added_in(root, held)
    note = f"{changed} of {len(firsts)} questions' cues edited since written"
    try:
        rubrics = first_written.rubrics_at(root, commit)
        note += f"; rubrics as at {commit[:7]}"
    except first_written.HistoryError as exc:
        rubrics = library.rubrics
        note += f"; today's rubrics ({exc})"
    with first_written.rubrics_in_use(library, rubrics), \
            first_written.questions_in_use(library, firsts):
        report = asyncio.run(run_calibration(_InProcess(), items))
    return report, note


def folds(paths: Sequence[Path], original: bool = False) -> list[str]:
    """Leave-one-set-out: fit on the others, grade the held-out set with the real grader;
    with `original`, on the held-out questions as first written (the unseen-question
    estimate)."""
    rows = {p: set_rows([p]) for p in paths}
    lines = ["| held out | QWK | Spearman | exact | rules | bias per style |",
             "|---|---|---|---|---|---|"]
    reports, notes = [], []
    for held in paths:
        train = [p for p in paths if p != held]
        with fitted.fit_in_use(fit_rows([r for p in train for r in rows[p]],
                                        [p.name for p in train])):
            report, note = _graded(held, original)
        reports.append(report)
        lines.append(_fold_line(held.name, report))
        notes += [f"- {held.name}: {note}"] if note else []
    mean = [sum(getattr(r.overall, k) for r in reports) / len(reports)
            for k in ("qwk", "spearman", "exact")]
    lines.append(f"| mean | {mean[0]:.3f} | {mean[1]:.3f} | {mean[2]:.0%} | | |")
    lines += ["", *notes] if notes else []
    lines += ["", *[f"- {held.name}: {line}" for held, r in zip(paths, reports, strict=True)
                    for line in r.adversarial_failures()]]
    return lines + ["", *_confusion(reports)]


def _confusion(reports: Sequence) -> list[str]:
    """The held-out folds' confusion matrices added up (label rows, grade columns)."""
    total = [[sum(r.confusion[i][j] for r in reports) for j in range(4)] for i in range(4)]
    return ["| label \\ grade (all folds) | 1 | 2 | 3 | 4 |", "|---|---|---|---|---|",
            *[f"| {i + 1} | " + " | ".join(map(str, row)) + " |" for i, row in enumerate(total)]]


def main(argv: Sequence[str] | None = None) -> None:
    """Refit the shipped file on the blind sets, or print one fold per set."""
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__.split("\n")[0])
    parser.add_argument("--folds", action="store_true",
                        help="print leave-one-set-out figures; write nothing")
    parser.add_argument("--sets", nargs="+", default=list(SETS), metavar="NAME",
                        help="labelled sets in calibration/ to fit on (default: %(default)s)")
    parser.add_argument("--original", action="store_true",
                        help="with --folds: grade each held-out set on its questions' outlines "
                             "and red flags as first committed (git history), as on a question "
                             "nobody tuned")
    parser.add_argument("--out", type=Path, default=None, help="where to write the fit")
    args = parser.parse_args(argv)
    paths = [calibration_dir() / name for name in args.sets]
    missing = [p.name for p in paths if not p.is_file()]
    if missing:
        parser.error(f"no labelled set named {', '.join(missing)} in {calibration_dir()}")
    if args.original and not args.folds:
        parser.error("--original measures held-out sets: use it with --folds")
    if args.folds:
        try:
            print("\n".join(folds(paths, args.original)))
        except first_written.HistoryError as exc:
            parser.error(str(exc))
        return
    out = args.out or fitted.default_path()
    write_fit(fit_rows(set_rows(paths), args.sets), out)
    print(f"Wrote {out}")


if __name__ == "__main__":
    main()
