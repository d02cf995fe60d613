"""Print the Markdown sheet a blind labeller grades answers with.

Usage: python calibration/labelling_sheet.py [QUESTION_ID ...]   (all questions if none)

For each topic: the rubric's criteria (name, weight, what it judges, the four levels) and its
red flags; then each question on that topic with its strong-answer outline and its own red
flags. Deliberately left out: the concept and phrase lists, red-flag cues, evidence notes and
anything else the offline grader matches on, so labels stay independent of the grader.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

from interviewer.library import (
    SHARED_IDS,
    TOPIC_CRITERIA,
    Criterion,
    Library,
    Question,
    RedFlag,
    Rubric,
    load_library,
)
from interviewer.taxonomy import AREA_NAMES, LEVEL_NAMES

HEADER = """# Labelling sheet

Label each answer per criterion on the 1-4 scale (1 No hire, 2 Lean no hire, 3 Hire,
4 Strong hire), using the level descriptions below, and give a one-line rationale for each.
Level 4 needs the level 3 bar plus at least two of the listed items. Give the overall label
as the weighted mean of the criteria, rounded to the nearest half.

A red flag caps the criterion it names at the level shown, whatever else the answer says,
but only when the candidate proposes the harmful thing; warning against it is good practice.

Headings, frameworks and buzzwords ("it depends", "MECE", "net net") earn nothing on their
own. Judge what the answer says, not how it is written: fillers, self-corrections, plain
words, bullets and non-native grammar are not a lack of substance.
"""


def _criterion(c: Criterion, note: str = "") -> list[str]:
    lines = [f"#### {c.name} (`{c.id}`, weight {c.weight:g}){note}", "", c.description.strip(), ""]
    lines += [f"- **{n} {LEVEL_NAMES[n]}:** {c.levels[n].strip()}" for n in (1, 2, 3, 4)]
    return [*lines, ""]


def _owned(rubric: Rubric) -> str:
    """A sheet-wide flag's reach, named: the criteria the topic owns, never the shared ones
    (structure, trade-offs) or a kind's (the story criterion). Six authors of two blind sets
    read "every topic criterion" two ways, so the same harm was labelled 1.5 and 2.0."""
    owned = [c.name for c in rubric.criteria if c.id not in SHARED_IDS]
    left = [c.name for c in rubric.criteria if c.id in SHARED_IDS]
    left += [c.name for extra in rubric.kind_criteria.values() for c in extra]
    return f"every criterion the topic owns ({', '.join(owned)}; not {', '.join(left)})"


def _flag(f: RedFlag, rubric: Rubric) -> str:
    name = (_owned(rubric) if f.criterion == TOPIC_CRITERIA
            else rubric.criterion(f.criterion).name)
    return (f"- **{f.name}** (`{f.id}`): {f.what.strip()} Caps *{name}* at {f.cap}. "
            f"Why it hurts the platform's users: {f.why.strip()}")


def rubric_section(rubric: Rubric) -> list[str]:
    """The topic's criteria and red flags, as a labeller reads them."""
    lines = [f"## Topic: {rubric.name}", "", rubric.summary.strip(), "", "### Criteria", ""]
    for c in rubric.criteria:
        lines += _criterion(c)
    for kind, extra in sorted(rubric.kind_criteria.items()):
        for c in extra:
            lines += _criterion(c, f" -- {kind} questions only")
    if rubric.red_flags:
        lines += ["### Red flags", "", *(_flag(f, rubric) for f in rubric.red_flags), ""]
    return lines


def question_section(q: Question, rubric: Rubric) -> list[str]:
    """One question: its text, kind, the criteria that apply and its strong-answer outline."""
    applied = rubric.for_kind(q.kind)
    lines = [f"### Question `{q.id}`", "",
             f"*{AREA_NAMES[q.area]} · {q.kind} · {q.difficulty}* -- criteria: "
             + ", ".join(f"`{c.id}`" for c in applied.criteria), "",
             q.text.strip(), "", "**Strong-answer outline**", ""]
    lines += [f"- {point.strip()}" for point in q.strong_answer]
    if q.red_flags:
        lines += ["", "**Red flags for this question**", ""]
        lines += [_flag(f, rubric) for f in q.red_flags]
    return [*lines, ""]


def sheet(library: Library, question_ids: Iterable[str] = ()) -> str:
    """The whole sheet for the given questions (all of them when none are given)."""
    wanted = list(question_ids) or list(library.questions)
    unknown = [qid for qid in wanted if qid not in library.questions]
    if unknown:
        raise KeyError(f"unknown question id(s): {', '.join(unknown)}")
    lines = [HEADER]
    for topic, rubric in library.rubrics.items():
        questions = [library.questions[qid] for qid in wanted
                     if library.questions[qid].topic == topic]
        if not questions:
            continue
        lines += rubric_section(rubric)
        lines += ["### Questions", ""]
        for q in questions:
            lines += question_section(q, rubric)
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str]) -> int:
    try:
        sys.stdout.write(sheet(load_library(), argv))
    except KeyError as exc:
        print(exc.args[0], file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
