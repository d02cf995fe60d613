"""Time the scorecard exports (Markdown, JSON, PDF) of a full five-question loop.

Usage: .venv/bin/python bench/bench_exports.py [--rounds N]
Each question has a main answer and a follow-up answer of about 250 words each, graded on
every criterion with two evidence quotes, so the document is as large as a real full loop.
Target: a PDF in under 2 s on one core, so a download never feels stuck.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from interviewer.engine import Plan, State, Turn, build_scorecard  # noqa: E402
from interviewer.exports import FORMATS, render  # noqa: E402
from interviewer.exports.document import build  # noqa: E402
from interviewer.library import default_library  # noqa: E402
from interviewer.scoring import AnswerGrade, CriterionGrade  # noqa: E402
from interviewer.storage import Record, StoredTurn  # noqa: E402
from interviewer.web.views import exchanges_by_question  # noqa: E402

PDF_TARGET_S = 2.0
SENTENCE = ("I would start from the developers who call the endpoint today, say what the "
            "limit is keyed on and why, and measure the share of “429” responses that "
            "succeed on retry. ")


def full_loop() -> Record:
    library = default_library()
    questions = sorted(library.questions.values(), key=lambda q: q.id)[:5]
    answer = SENTENCE * 8  # about 250 words
    turns: list[Turn] = []
    grades: dict[str, AnswerGrade] = {}
    for q in questions:
        turns += [Turn("interviewer", "question", q.id, q.text),
                  Turn("candidate", "answer", q.id, answer),
                  Turn("interviewer", "follow_up", q.id, q.follow_ups[0].text,
                       q.follow_ups[0].criterion),
                  Turn("candidate", "answer", q.id, answer)]
        grades[q.id] = AnswerGrade(question_id=q.id, grader="offline", criteria=[
            CriterionGrade(id=c.id, name=c.name, score=3, evidence=[SENTENCE, SENTENCE],
                           feedback="Solid.", missing="A guardrail metric.", tip=c.tip)
            for c in library.rubric_for(q).criteria])
    turns.append(Turn("interviewer", "close", questions[-1].id, "Any questions for me?"))
    plan = Plan("full", None, None, tuple(q.id for q in questions))
    state = State(plan=plan, turns=turns, grades=grades, finished=True)
    stamp = "2026-01-01T00:00:00+00:00"
    return Record("b" * 27, stamp, "offline", state,
                  [StoredTurn(i, t, stamp, None, stamp) for i, t in enumerate(turns)])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    library = default_library()
    record = full_loop()
    doc = build(record, build_scorecard(record.id, record.state, library),
                exchanges_by_question(record, library))
    print(f"{'format':<7}{'bytes':>10}{'median ms':>12}{'max ms':>10}   ({rounds} rounds)")
    slow_pdf = 0.0
    for fmt in FORMATS:
        times, size = [], 0
        for _ in range(rounds):
            start = time.perf_counter()
            size = len(render(doc, fmt).body)
            times.append((time.perf_counter() - start) * 1000)
        print(f"{fmt:<7}{size:>10,}{statistics.median(times):>12.1f}{max(times):>10.1f}")
        if fmt == "pdf":
            slow_pdf = statistics.median(times) / 1000
    ok = slow_pdf < PDF_TARGET_S
    print(f"PDF median {slow_pdf:.2f} s: {'within' if ok else 'OVER'} the {PDF_TARGET_S} s target")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
