"""Models the engine talks to, all behind the `InterviewModel` protocol."""

from interviewer.models.base import GradeRequest, InterviewModel, ModelUnavailable, TurnRequest

__all__ = ["GradeRequest", "InterviewModel", "ModelUnavailable", "TurnRequest"]
