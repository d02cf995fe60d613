"""Fitting a grader model's score map on a labelled tuning set, and the figures after it.

`interviewer calibrate --model NAME --fit` grades the set with the raw model, fits a
monotone map from its criterion scores to the labels (interviewer.llm.score_map), stores
it, and reports the same set before and after the map, from the same grades: the model is
not called twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from interviewer.calibration import (
    CalibrationItem,
    CalibrationReport,
    ItemResult,
    build_report,
    item_result,
)
from interviewer.llm.score_map import ScoreMap, calibrated, fit


def criterion_pairs(results: Sequence[ItemResult]) -> dict[str, list[tuple[int, int]]]:
    """(model's criterion score, expert's label) pairs, per criterion."""
    pairs: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for r in results:
        if r.detail is None or r.fallback:  # an offline stand-in grade says nothing of the model
            continue
        for c in r.detail.criteria:
            if c.id in r.label_criteria:
                pairs[c.id].append((c.score, r.label_criteria[c.id]))
    return dict(pairs)


def fit_map(report: CalibrationReport, model: str, set_path: Path) -> ScoreMap:
    """The map that brings this model's scores onto the set's labels."""
    return fit(criterion_pairs(report.items), model, str(set_path))


def with_map(report: CalibrationReport, items: Sequence[CalibrationItem],
             score_map: ScoreMap) -> CalibrationReport:
    """The report the same grades give once the map is applied."""
    by_id = {i.id: i for i in items}
    mapped = []
    for r in report.items:
        if r.detail is None or r.fallback:
            mapped.append(r)
            continue
        clean = calibrated(r.clean_detail, score_map) if r.clean_detail else None
        mapped.append(item_result(by_id[r.id], calibrated(r.detail, score_map), r.ms, clean))
    return build_report(f"{report.model} (calibrated)", mapped, report.total_seconds)


def before_after(before: CalibrationReport, after: CalibrationReport) -> str:
    """A Markdown table of the headline figures before and after the map."""
    rows = ["| | QWK | Spearman | exact | within one | ranking | mean grade - mean label |",
            "|---|---|---|---|---|---|---|"]
    for name, r in (("before the map", before), ("after the map", after)):
        bias = sum(i.grade - i.label for i in r.items) / max(1, len(r.items))
        rows.append(f"| {name} | {r.overall.qwk:.3f} | {r.overall.spearman:.3f} | "
                    f"{r.overall.exact:.0%} | {r.overall.adjacent:.0%} | {r.ranking:.0%} | "
                    f"{bias:+.2f} |")
    return "\n".join(rows)
