"""`interviewer calibrate`: grade a labelled answer set, measure agreement with the expert
labels, and (--fit) learn a model's score map from it."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from interviewer import paths, terminal
from interviewer.commands.common import ModelOpt, err, fail, strict
from interviewer.models.base import ModelUnavailable
from interviewer.models.registry import ModelRegistry, UnknownModel, default_model_name
from interviewer.settings import get_settings
from interviewer.storage import LOCAL_OWNER


def calibrate(
    model: ModelOpt = None,
    set_path: Annotated[Path | None, typer.Option(
        "--set", help="A labelled JSONL set (default: the shipped calibration/answers.jsonl).")]
    = None,
    out: Annotated[Path, typer.Option(help="Folder for calibration.md and calibration.json.")]
    = Path("reports"),
    min_qwk: Annotated[float, typer.Option(help="Fail below this quadratic weighted kappa.")]
    = 0.70,
    min_spearman: Annotated[float, typer.Option(help="Fail below this Spearman correlation.")]
    = 0.80,
    min_ranking: Annotated[float, typer.Option(
        help="Fail below this share of answer pairs to one question ranked right.")] = 0.90,
    fit: Annotated[bool, typer.Option(
        "--fit", help="LLM models: learn a monotone map from the model's scores to the set's "
                      "labels, store it (INTERVIEWER_SCORE_MAPS) and report before and after. "
                      "Fit on a tuning set, never on a holdout.")] = False,
) -> None:
    """Grade a labelled answer set and measure agreement with the expert labels.

    Reports QWK, Spearman, exact and adjacent agreement (overall and per criterion), a
    confusion matrix, how each kind of adversarial answer fared and the slowest items;
    writes Markdown and JSON, keeps the run for the web page's Calibration tab, and exits 1
    when a threshold or an adversarial rule fails.

    \b
    Example:
      interviewer calibrate --set calibration/holdout.jsonl --min-qwk 0.7
    """
    from interviewer import calibration
    from interviewer.web.app import build_service

    settings = get_settings()
    path = set_path or paths.calibration_dir() / "answers.jsonl"
    try:
        items = calibration.load_set(path)
        chosen = strict(ModelRegistry(settings)(model or default_model_name(settings)))
    except (calibration.CalibrationError, UnknownModel, OSError) as exc:
        raise fail(str(exc)) from None
    if fit and getattr(chosen, "score_map", False) is False:
        raise fail("--fit needs an LLM model; the offline grader's levels are refitted with "
                   "`python -m interviewer.offline.refit`")
    if fit:
        chosen.score_map = None  # fit on the raw model, not on an earlier map's output
    try:
        report = asyncio.run(calibration.run_calibration(chosen, items,
                                                         progress=terminal.calibration_progress(err)))
    except ModelUnavailable as exc:
        raise fail(f"the model is unavailable: {exc}. No report was written", 1) from None
    if fit:
        report = _fit_and_report(report, items, path, settings.score_maps, out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "calibration.md").write_text(report.to_markdown(), encoding="utf-8")
    (out / "calibration.json").write_text(report.model_dump_json(indent=2), encoding="utf-8")
    build_service(settings).store.save_calibration(report.model, str(path),
                                                   report.model_dump_json(), LOCAL_OWNER)
    print(report.to_markdown())
    failed = report.thresholds_failed(min_qwk, min_spearman, min_ranking)
    for line in failed:
        err.print(f"[red]✗[/red] {line}", highlight=False)
    raise typer.Exit(1 if failed else 0)


def _fit_and_report(report, items, set_path: Path, maps_path: Path, out: Path):
    """Fit and store the map, print before and after, and return the report after the map."""
    from interviewer.calibration_fit import before_after, fit_map, with_map
    from interviewer.llm.score_map import save_map

    score_map = fit_map(report, report.model, set_path)
    save_map(maps_path, score_map)
    after = with_map(report, items, score_map)
    table = before_after(report, after)
    out.mkdir(parents=True, exist_ok=True)
    (out / "calibration-before.json").write_text(report.model_dump_json(indent=2), "utf-8")
    print(f"Fitted a score map for {report.model} on {score_map.pairs} labelled criterion "
          f"scores; stored in {maps_path}. Raw level -> calibrated: "
          + ", ".join(f"{k} -> {v:.2f}" for k, v in score_map.levels.items()))
    print(table + "\n")
    return after
