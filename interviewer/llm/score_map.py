"""Per-model calibration: a monotone map from a grader model's raw criterion scores to the
labelled scale.

A capable model can rank answers almost perfectly and still grade a point stricter than an
expert interviewer. `interviewer calibrate --model NAME --fit` learns, on a labelled tuning
set, what each raw level (1-4) means on the experts' scale, by isotonic regression (the
pool-adjacent-violators algorithm), so the map can never reverse the model's order. The
grader then applies it to every criterion score before its trust rules (the cap on criteria
without verified quotes, red flags) apply.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from interviewer.red_flag_caps import cap_on, topic_own
from interviewer.scoring import AnswerGrade

LEVELS = (1, 2, 3, 4)
MIN_PER_CRITERION = 25  # a criterion with fewer labelled pairs uses the model-wide map


class ScoreMap(BaseModel):
    """What each raw level of one model means on the labelled scale."""

    model_config = ConfigDict(frozen=True)

    model: str
    fitted_on: str
    pairs: int = Field(ge=1)
    levels: dict[int, float]  # the model-wide map: raw level -> calibrated value
    criteria: dict[str, dict[int, float]] = Field(default_factory=dict)

    def value(self, criterion_id: str, raw: int) -> float:
        return self.criteria.get(criterion_id, self.levels)[raw]

    def apply(self, criterion_id: str, raw: int) -> int:
        """The calibrated level of a raw score, rounded half up and kept in 1-4."""
        return min(4, max(1, math.floor(self.value(criterion_id, raw) + 0.5)))


def isotonic(points: Iterable[tuple[int, float]]) -> dict[int, float]:
    """The non-decreasing step function over levels 1-4 closest, in squared error, to the
    points (raw level, label). A level with no points takes the value of its nearest
    neighbours, or itself when nothing is known."""
    sums: dict[int, float] = defaultdict(float)
    counts: dict[int, int] = defaultdict(int)
    for raw, label in points:
        sums[raw] += label
        counts[raw] += 1
    blocks = [[sums[lv], counts[lv], [lv]] for lv in LEVELS if counts[lv]]
    merged: list[list] = []
    for block in blocks:  # pool adjacent violators
        merged.append(block)
        while len(merged) > 1 and merged[-2][0] / merged[-2][1] > merged[-1][0] / merged[-1][1]:
            total, n, levels = merged.pop()
            merged[-1][0] += total
            merged[-1][1] += n
            merged[-1][2] += levels
    fitted = {lv: b[0] / b[1] for b in merged for lv in b[2]}
    return _fill(fitted)


def _fill(fitted: Mapping[int, float]) -> dict[int, float]:
    fitted = {lv: round(v, 4) for lv, v in fitted.items()}  # round first: fills stay in order
    out: dict[int, float] = {}
    for lv in LEVELS:
        if lv in fitted:
            out[lv] = fitted[lv]
            continue
        below = [fitted[x] for x in LEVELS if x < lv and x in fitted]
        above = [fitted[x] for x in LEVELS if x > lv and x in fitted]
        if below and above:
            out[lv] = round((below[-1] + above[0]) / 2, 4)
        else:  # outside the data: keep the level, but never below or above a neighbour
            out[lv] = float(max(lv, below[-1]) if below else min(lv, above[0]) if above else lv)
    return out


def fit(pairs: Mapping[str, list[tuple[int, int]]], model: str, fitted_on: str,
        min_per_criterion: int = MIN_PER_CRITERION) -> ScoreMap:
    """Fit the model-wide map on every (raw, label) pair, and a criterion's own map where it
    has enough pairs."""
    everything = [p for ps in pairs.values() for p in ps]
    if not everything:
        raise ValueError("no labelled criterion scores to fit a map on")
    own = {cid: isotonic(ps) for cid, ps in pairs.items() if len(ps) >= min_per_criterion}
    return ScoreMap(model=model, fitted_on=fitted_on, pairs=len(everything),
                    levels=isotonic(everything), criteria=own)


def load_maps(path: Path) -> dict[str, ScoreMap]:
    """Every model's map in the file; none when the file does not exist yet."""
    if not path.exists():
        return {}
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {name: ScoreMap.model_validate(m) for name, m in raw.items()}


def save_map(path: Path, score_map: ScoreMap) -> None:
    """Add or replace one model's map, keeping the others."""
    maps = load_maps(path)
    maps[score_map.model] = score_map
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({k: v.model_dump(mode="json") for k, v in sorted(maps.items())},
                              indent=1), encoding="utf-8")
    tmp.replace(path)


UNVERIFIED_CAP = 2  # the same trust rule as interviewer.llm.grading


def calibrated(grade: AnswerGrade, score_map: ScoreMap) -> AnswerGrade:
    """The grade with every criterion score mapped to the labelled scale, and the trust rules
    applied again afterwards: a criterion without a verified quote stays at most 2, and a
    red flag keeps capping the criterion it names. Evidence, feedback and flags are kept."""
    topic_ids = topic_own(c.id for c in grade.criteria)
    criteria = []
    for c in grade.criteria:
        score = score_map.apply(c.id, c.score)
        if not c.evidence:
            score = min(score, UNVERIFIED_CAP)
        cap = cap_on(c.id, grade.red_flags, topic_ids)
        if cap is not None:
            score = min(score, cap)
        criteria.append(c.model_copy(update={"score": score}))
    note = (f"Scores mapped to the labelled scale for {score_map.model} (fitted on "
            f"{score_map.pairs} labelled criterion scores from {Path(score_map.fitted_on).name}).")
    return grade.model_copy(update={"criteria": criteria, "notes": [*grade.notes, note]})
