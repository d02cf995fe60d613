"""Choose graded anchor answers for the LLM grader's prompt from a labelled TUNING set.

For every topic and every level 1-4, the anchor is the answer whose expert label is nearest
that level (honest answers first, then the shortest, so prompts stay small). The result is
`prompts/anchors.yaml`, which a platform PM can read and correct like any rubric file.
Never run this on a holdout: anchors are tuning data.

    python calibration/make_anchors.py calibration/blind-tuning.jsonl > prompts/anchors.yaml
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict

import yaml

from interviewer.calibration import CalibrationItem, load_set

PREFER = {"honest": 0, "plain-rewrite": 1, "thin": 2, "wrong-design": 3}
MAX_WORDS = 350


def _rank(item: CalibrationItem, level: int) -> tuple:
    return (abs(item.label.overall - level), PREFER.get(item.kind, 9), len(item.answer.split()))


def choose(items: list[CalibrationItem], why: dict[str, str]) -> dict[str, list[dict]]:
    by_topic: dict[str, list[CalibrationItem]] = defaultdict(list)
    for item in items:
        if item.kind in PREFER and len(item.answer.split()) <= MAX_WORDS:
            by_topic[item.topic].append(item)
    anchors: dict[str, list[dict]] = {}
    for topic, pool in sorted(by_topic.items()):
        picked = []
        for level in (1, 2, 3, 4):
            best = min(pool, key=lambda it, lv=level: _rank(it, lv))
            picked.append({"level": level, "label": best.label.overall, "source": best.id,
                           "question": " ".join(best.question.split()),
                           "answer": best.answer.strip(),
                           "why": why.get(best.id, "")})
        anchors[topic] = picked
    return anchors


def main(path: str) -> None:
    header = ("# Graded anchor answers for the LLM grader, one per level and topic, chosen by\n"
              "# calibration/make_anchors.py from the blind TUNING set (never the holdout).\n"
              "# `label` is the experts' overall score; edit `why` or swap an answer freely.\n")
    with open(path, encoding="utf-8") as fh:
        why = {d["id"]: d.get("justification", "") for d in map(json.loads, filter(str.strip, fh))}
    body = yaml.safe_dump({"anchors": choose(load_set(path), why)}, sort_keys=False,
                          allow_unicode=True, width=100)
    sys.stdout.write(header + body)


if __name__ == "__main__":
    main(sys.argv[1])
