"""The offline grader: rubric concepts matched in the answer's own sentences, no model needed."""

from interviewer.offline.grader import INJECTION_FLAG, grade_answer

__all__ = ["INJECTION_FLAG", "grade_answer"]
