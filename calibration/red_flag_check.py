"""Check red-flag cues against every labelled answer: which answers raise which flag.

    python calibration/red_flag_check.py                    # every set, every flag
    python calibration/red_flag_check.py --question api-payments-create-idempotency
    python calibration/red_flag_check.py --only-question    # flags written on questions only

A cue that fires on an answer the labeller scored 3 or more on the capped criterion is a false
alarm: the candidate said something good and the flag would sink it. The script prints each hit
with the label, so whoever edits the cues in `prompts/questions/*.yaml` or `rubrics/*.yaml` can
see precision before committing, and exits 1 if any hit is a false alarm.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from interviewer.calibration import CalibrationItem, grade_request, load_set  # noqa: E402
from interviewer.library import TOPIC_CRITERIA, default_library  # noqa: E402
from interviewer.offline.grader import grade_answer  # noqa: E402
from interviewer.offline.matching import compiled  # noqa: E402
from interviewer.scoring import RedFlagHit  # noqa: E402


def labelled_sets() -> list[Path]:
    return sorted((ROOT / "calibration").glob("*.jsonl"))


def _capped_labels(item: CalibrationItem, hit: RedFlagHit, topic_own: set[str]) -> list[int]:
    """The labels of the criteria the flag caps, as the grader applies it (`topic_own`: the
    criteria it counts as the topic's own, not the shared ones)."""
    criteria = dict(item.label.criteria)
    if hit.criterion == TOPIC_CRITERIA:
        return [v for k, v in criteria.items() if k in topic_own]
    return [criteria[hit.criterion]] if hit.criterion in criteria else []


def _hits(item: CalibrationItem, question_only: bool) -> tuple[list[RedFlagHit], set[str]]:
    """The flags the answer raises, and the criteria its rubric counts as the topic's own."""
    library = default_library()
    question = library.questions.get(item.question_id or "")
    if question is None:
        return [], set()
    rubric = library.rubric_for(question)
    grade = grade_answer(grade_request(item, rubric, strong_answer=list(question.strong_answer)))
    own = {f.id for f in question.red_flags}
    topic_own = {c.id for c in compiled(rubric).criteria if not c.shared}
    return [h for h in grade.red_flags if not question_only or h.id in own], topic_own


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--question", help="only answers to this question id")
    parser.add_argument("--only-question", action="store_true",
                        help="report only flags written on the question itself")
    args = parser.parse_args()
    false_alarms = hits_total = 0
    for path in labelled_sets():
        for item in load_set(path):
            if args.question and item.question_id != args.question:
                continue
            hits, topic_own = _hits(item, args.only_question)
            for hit in hits:
                labels = _capped_labels(item, hit, topic_own)
                wrong = bool(labels) and max(labels) >= 3
                hits_total += 1
                false_alarms += wrong
                mark = "FALSE ALARM" if wrong else "ok"
                print(f"{mark:11} {path.name}:{item.id} [{item.kind}] {hit.id} -> "
                      f"{hit.criterion} labels={labels} overall={item.label.overall}\n"
                      f"            quote: {hit.quote[:160]}")
    print(f"{hits_total} hit(s), {false_alarms} false alarm(s)")
    return 1 if false_alarms else 0


if __name__ == "__main__":
    raise SystemExit(main())
