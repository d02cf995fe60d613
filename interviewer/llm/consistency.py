"""Self-consistency for the LLM grader: grade several times, keep the median per criterion.

Sampling the same grading prompt more than once and taking the median score per criterion
removes much of a model's run-to-run noise (INTERVIEWER_GRADE_SAMPLES; 1 by default, since
each sample costs a full grading request). The evidence, reasoning and feedback kept for a
criterion are those of a sample that gave the median score, so the words shown always
justify the number shown. A red flag stands when at least half the samples name it, with the
sentence the first of them quoted.
"""

from __future__ import annotations

from collections.abc import Sequence

from interviewer.llm.schema import GradeVerdict, RedFlagVerdict


def median_verdict(verdicts: Sequence[GradeVerdict]) -> GradeVerdict:
    """One verdict from several: the lower median score per criterion, with a matching
    sample's words; an instruction to the grader flagged by any sample stays flagged."""
    if not verdicts:
        raise ValueError("no verdicts to combine")
    if len(verdicts) == 1:
        return verdicts[0]
    criteria = {}
    for cid in verdicts[0].criteria:
        judged = sorted((v.criteria[cid] for v in verdicts if cid in v.criteria),
                        key=lambda c: c.score)
        criteria[cid] = judged[(len(judged) - 1) // 2]
    injected = list(dict.fromkeys(t for v in verdicts for t in v.injected_text))
    return GradeVerdict(instructions_to_grader=any(v.instructions_to_grader for v in verdicts),
                        injected_text=injected, criteria=criteria, missed=verdicts[0].missed,
                        red_flags=_agreed_flags(verdicts))


def _agreed_flags(verdicts: Sequence[GradeVerdict]) -> list[RedFlagVerdict]:
    """The red flags at least half the samples name, each once, as first named."""
    first: dict[str, RedFlagVerdict] = {}
    votes: dict[str, int] = {}
    for v in verdicts:
        for flag_id in dict.fromkeys(f.id for f in v.red_flags):
            votes[flag_id] = votes.get(flag_id, 0) + 1
        for f in v.red_flags:
            first.setdefault(f.id, f)
    return [f for fid, f in first.items() if 2 * votes[fid] >= len(verdicts)]
