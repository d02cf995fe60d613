"""The interview engine: plan a session, decide each next turn, build the scorecard.

Pure logic over plain data. The only thing it talks to is a model, through the
`InterviewModel` protocol; storage and presentation live elsewhere.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Literal

from interviewer import conversation
from interviewer.coaching import fix_first
from interviewer.library import FollowUp, Library, Question, outline_at
from interviewer.models.base import Exchange, GradeRequest, InterviewModel, TurnRequest
from interviewer.scoring import (
    AnswerGrade,
    CriterionGrade,
    QuestionCard,
    Scorecard,
    Usage,
    hire_signal,
)
from interviewer.taxonomy import AREA_NAMES, AREAS, LEVELS, TOPIC_NAMES, TOPICS

Mode = Literal["full", "area", "topic", "single"]
MODES: tuple[str, ...] = ("full", "area", "topic", "single")
MAX_QUESTIONS = 8
MAX_FOLLOW_UPS = 2
DEFAULT_COUNTS = {"full": 5, "area": 4, "topic": 3, "single": 1}
FOLLOW_UP_BELOW = 3  # ask a follow-up only on a criterion scoring under "hire"
NOT_GRADED = "not-graded"  # the grader failed on the answer; it earned no credit


class PlanError(ValueError):
    """The requested session cannot be planned; the message says why and what is allowed."""


@dataclass(frozen=True)
class Plan:
    mode: str
    area: str | None
    topic: str | None
    question_ids: tuple[str, ...]
    level: str = "senior"  # the level the candidate targets: the outline and bar follow it


@dataclass(frozen=True)
class Turn:
    role: Literal["interviewer", "candidate"]
    kind: Literal["question", "follow_up", "answer", "clarify", "clarification", "close",
                  "close_question", "close_answer"]
    question_id: str
    text: str
    criterion: str | None = None

    @property
    def clarifying(self) -> bool:
        """A clarifying question or its reply, or after the close a question about the role
        and its answer: part of the conversation, never an answer that is graded."""
        return self.kind in CLARIFY_KINDS or self.kind in CLOSE_KINDS


CLARIFY_KINDS = ("clarify", "clarification")
CLOSE_KINDS = ("close_question", "close_answer")  # "any questions for me?" and its replies


def main_turns(turns: list[Turn]) -> list[Turn]:
    """The turns without clarifying exchanges: questions, follow-ups and answers."""
    return [t for t in turns if not t.clarifying]


def clarifications_for(turns: list[Turn], question_id: str) -> list[Exchange]:
    """Each clarifying question asked on a question: the candidate's words as `answer` (they
    are the candidate's, so graders fence them like answers) and the reply as `prompt`."""
    out: list[Exchange] = []
    asked: str | None = None
    for t in turns:
        if t.question_id != question_id or t.kind not in CLARIFY_KINDS:
            continue
        if t.kind == "clarify":
            asked = t.text
        elif asked is not None:
            out.append(Exchange(prompt=t.text, answer=asked))
            asked = None
    return out


@dataclass(frozen=True)
class AskQuestion:
    question: Question
    number: int


@dataclass(frozen=True)
class AskFollowUp:
    question: Question
    follow_up: FollowUp
    number: int


@dataclass(frozen=True)
class Finish:
    pass


Step = AskQuestion | AskFollowUp | Finish


@dataclass
class State:
    """Everything the engine needs to know about one interview."""

    plan: Plan
    turns: list[Turn] = field(default_factory=list)
    grades: dict[str, AnswerGrade] = field(default_factory=dict)
    finished: bool = False


def _check_choice(name: str, value: str | None, allowed: tuple[str, ...]) -> None:
    if value is not None and value not in allowed:
        raise PlanError(f"unknown {name} {value!r}; choose one of: {', '.join(allowed)}")


def _pick_mixed(pool: list[Question], count: int, rng: random.Random) -> list[Question]:
    """Pick `count` questions, spreading them over as many topics and areas as possible."""
    shuffled = pool[:]
    rng.shuffle(shuffled)
    chosen: list[Question] = []
    while len(chosen) < count and shuffled:
        used_topics = {q.topic for q in chosen}
        used_areas = {q.area for q in chosen}
        best = min(shuffled, key=lambda q: ((q.topic in used_topics) + (q.area in used_areas)))
        chosen.append(best)
        shuffled.remove(best)
    return chosen


def plan_interview(library: Library, mode: str = "full", area: str | None = None,
                   topic: str | None = None, count: int | None = None,
                   question_id: str | None = None, seed: int | None = None,
                   level: str = "senior", done: frozenset[str] = frozenset()) -> Plan:
    """Choose the questions for a full loop, an area drill, a topic drill or one question.

    Questions in `done` (already practised) are chosen only when too few others remain."""
    _check_choice("mode", mode, MODES)
    _check_choice("area", area, AREAS)
    _check_choice("topic", topic, TOPICS)
    _check_choice("level", level, LEVELS)
    count = DEFAULT_COUNTS[mode] if count is None else count
    if not 1 <= count <= MAX_QUESTIONS:
        raise PlanError(f"questions must be between 1 and {MAX_QUESTIONS}, not {count}")
    if mode == "area" and area is None:
        raise PlanError("an area drill needs an area")
    if mode == "topic" and topic is None:
        raise PlanError("a topic drill needs a topic")
    if question_id is not None:
        if question_id not in library.questions:
            raise PlanError(f"unknown question id {question_id!r}; "
                            "`interviewer questions` lists them")
        q = library.question(question_id)
        return Plan("single", q.area, q.topic, (question_id,), level)
    pool = library.filter(area=area, topic=topic)
    if not pool:
        raise PlanError(f"no questions match area={area} topic={topic}")
    if mode == "single":
        count = 1
    rng = random.Random(seed)
    fresh = [q for q in pool if q.id not in done]
    chosen = _pick_mixed(fresh, min(count, len(fresh)), rng)
    if len(chosen) < count:  # too few new ones: top up with practised ones
        chosen += _pick_mixed([q for q in pool if q.id in done], count - len(chosen), rng)
    if mode == "single":  # one question: its own area and topic describe the session
        return Plan(mode, chosen[0].area, chosen[0].topic, (chosen[0].id,), level)
    return Plan(mode, area, topic, tuple(q.id for q in chosen), level)


def exchanges_for(turns: list[Turn], question_id: str) -> list[Exchange]:
    """Each interviewer prompt on a question paired with the candidate's reply to it."""
    out: list[Exchange] = []
    prompt: str | None = None
    for t in turns:
        if t.question_id != question_id or t.clarifying:
            continue
        if t.role == "interviewer":
            prompt = t.text
        elif prompt is not None:
            out.append(Exchange(prompt=prompt, answer=t.text))
            prompt = None
    return out


def awaiting_answer(state: State) -> Turn | None:
    """The interviewer turn the candidate is expected to answer, if any."""
    turns = main_turns(state.turns)
    if state.finished or not turns:
        return None
    last = turns[-1]
    return last if last.role == "interviewer" else None


def ungraded_question(state: State) -> str | None:
    """The question whose latest answer has been stored but not yet graded."""
    turns = main_turns(state.turns)
    if not turns or turns[-1].role != "candidate":
        return None
    qid = turns[-1].question_id
    answered = len(exchanges_for(state.turns, qid))
    grade = state.grades.get(qid)
    graded = 0 if grade is None else grade.answers
    return qid if graded < answered else None


def _follow_ups_asked(state: State, question_id: str) -> list[str]:
    return [t.criterion or "" for t in state.turns
            if t.question_id == question_id and t.kind == "follow_up"]


def choose_follow_up(question: Question, grade: AnswerGrade, asked: list[str]) -> FollowUp | None:
    """The library follow-up aimed at the weakest criterion below "hire" not yet probed.

    Each criterion is probed at most once per question, so a candidate is never asked
    the same thing twice.
    """
    if len(asked) >= MAX_FOLLOW_UPS:
        return None
    weak = sorted((c for c in grade.criteria if c.score < FOLLOW_UP_BELOW),
                  key=lambda c: (c.score, -c.weight))
    for criterion in weak:
        for fu in question.follow_ups:
            if fu.criterion == criterion.id and fu.criterion not in asked:
                return fu
    return None


def depth_probe(grade: AnswerGrade, asked: list[str], turn_index: int) -> FollowUp | None:
    """A probe for depth on a strong answer (at or over the YAML's `probe_for_depth_at`, and
    at the bar everywhere), asked once per question when nothing weaker needed a follow-up;
    it targets the weightiest criterion."""
    strong = grade.overall >= conversation.load_conversation().probe_for_depth_at
    if asked or not grade.criteria or not strong or \
            any(c.score < FOLLOW_UP_BELOW for c in grade.criteria):
        return None
    top = max(grade.criteria, key=lambda c: c.weight)
    return FollowUp(criterion=top.id, text=conversation.depth_probe(turn_index))


def _twist(question: Question, asked: list[str]) -> FollowUp | None:
    """A staged case's changed constraint: always the first follow-up, after the first answer.

    It probes the question's first follow-up criterion, so it counts as one of the
    follow-ups and that criterion is not probed twice."""
    if question.twist is None or asked:
        return None
    return FollowUp(criterion=question.follow_ups[0].criterion, text=question.twist)


def next_step(state: State, library: Library) -> Step:
    """What the interviewer does next, given every turn and grade so far."""
    if state.finished:
        return Finish()
    ids = state.plan.question_ids
    asked = [t.question_id for t in state.turns if t.kind == "question"]
    if asked:
        current = asked[-1]
        grade = state.grades.get(current)
        question = library.question(current)
        if grade is not None and NOT_GRADED not in grade.flags:
            asked_here = _follow_ups_asked(state, current)
            fu = (_twist(question, asked_here) or choose_follow_up(question, grade, asked_here)
                  or depth_probe(grade, asked_here, len(state.turns)))
            if fu is not None:
                return AskFollowUp(question, fu, len(asked))
    if len(asked) >= len(ids):
        return Finish()
    return AskQuestion(library.question(ids[len(asked)]), len(asked) + 1)


def turn_request(state: State, step: AskQuestion | AskFollowUp, library: Library,
                 interview_id: str = "") -> TurnRequest:
    """The request a model needs to phrase the next interviewer turn."""
    q = step.question
    rubric = library.rubric_for(q)
    common = dict(interview_id=interview_id, question=q, rubric=rubric, number=step.number,
                  total=len(state.plan.question_ids))
    if isinstance(step, AskQuestion):
        previous = _last_exchange(state)  # the answer the new question's opening refers to
        return TurnRequest(kind="question", seed_text=q.text, exchanges=previous,
                           lead_in=_lead_in(state, step, library, previous), **common)
    exchanges = exchanges_for(state.turns, q.id)
    return TurnRequest(kind="follow_up", seed_text=step.follow_up.text,
                       criterion=rubric.criterion(step.follow_up.criterion),
                       exchanges=exchanges, lead_in=_lead_in(state, step, library, exchanges),
                       **common)


def _last_exchange(state: State) -> list[Exchange]:
    answered = [t for t in state.turns if t.kind == "answer"]
    return exchanges_for(state.turns, answered[-1].question_id)[-1:] if answered else []


def _lead_in(state: State, step: AskQuestion | AskFollowUp, library: Library,
             exchanges: list[Exchange]) -> str:
    """The opening before the first question; otherwise an acknowledgement of the last
    answer, then a transition or a follow-up lead-in."""
    if isinstance(step, AskQuestion) and step.number == 1:
        kinds = [library.question(qid).kind for qid in state.plan.question_ids]
        return conversation.opening(kinds, _focus(state.plan))
    previous = exchanges[-1].answer if exchanges else None
    kind = "question" if isinstance(step, AskQuestion) else "follow_up"
    return conversation.lead_in(kind, step.number, previous, len(state.turns))


def _focus(plan: Plan) -> str:
    """What the interview is about, in the opening's words."""
    if plan.topic and plan.mode == "topic":
        return TOPIC_NAMES[plan.topic].lower()
    if plan.area:
        return AREA_NAMES[plan.area]
    return "a mix of platform areas"


def grade_request(state: State, question_id: str, library: Library,
                  interview_id: str = "") -> GradeRequest:
    """The request a model needs to grade every answer given so far to one question."""
    q = library.question(question_id)
    level = state.plan.level
    bar = library.levels[level].bar if level in library.levels else ""
    request = GradeRequest.for_question(q, library.rubric_for(q),
                                        exchanges_for(state.turns, question_id), interview_id,
                                        level, bar)
    return request.model_copy(
        update={"clarifications": clarifications_for(state.turns, question_id)})


async def grade_latest(state: State, library: Library, model: InterviewModel,
                       interview_id: str = "") -> AnswerGrade | None:
    """Grade the question whose newest answer is still ungraded; None when nothing waits."""
    qid = ungraded_question(state)
    if qid is None:
        return None
    request = grade_request(state, qid, library, interview_id)
    grade = await model.grade(request)
    # recording how many answers the grade covered lets a resumed interview see what is left
    return grade.model_copy(update={"answers": len(request.exchanges)})


def not_graded(state: State, library: Library, grader: str, reason: str) -> AnswerGrade | None:
    """A no-credit grade for an answer the grader failed on, so the interview can go on and
    the scorecard says why; None when nothing waits to be graded."""
    qid = ungraded_question(state)
    if qid is None:
        return None
    request = grade_request(state, qid, library)
    criteria = [CriterionGrade(id=c.id, name=c.name, score=1, weight=c.weight, tip=c.tip,
                               feedback=f"Not graded: {reason}.")
                for c in request.rubric.criteria]
    note = (f"This answer could not be graded ({reason}), so it earned no credit. It is saved "
            "exactly as you wrote it.")
    return AnswerGrade(question_id=qid, criteria=criteria, grader=grader, flags=[NOT_GRADED],
                       notes=[note], answers=len(request.exchanges))


def interviewer_turn(step: AskQuestion | AskFollowUp, text: str) -> Turn:
    """The stored turn for what the interviewer said at this step."""
    if isinstance(step, AskQuestion):
        return Turn("interviewer", "question", step.question.id, text)
    return Turn("interviewer", "follow_up", step.question.id, text, step.follow_up.criterion)


def closing_turn(state: State) -> Turn | None:
    """The interviewer's close ("any questions for me?"), unless it was said already or no
    question was ever asked."""
    if not state.turns or any(t.kind == "close" for t in state.turns):
        return None
    return Turn("interviewer", "close", state.turns[-1].question_id, conversation.close_text())


def _question_card(library: Library, qid: str, state: State) -> QuestionCard | None:
    grade = state.grades.get(qid)
    if grade is None:
        return None
    q = library.question(qid)
    answer = "\n\n".join(e.answer for e in exchanges_for(state.turns, qid))
    hire, stretch = outline_at(q, state.plan.level)
    return QuestionCard(
        question_id=qid, question=q.text, area=q.area, topic=q.topic,
        overall=grade.overall, criteria=grade.criteria, missed=grade.missed,
        strong_answer=hire, strong_hire=stretch, weak_answers=list(q.weak_answers),
        answer=answer, grader=grade.grader,
        flags=grade.flags, notes=grade.notes, usage=grade.usage, red_flags=grade.red_flags,
        uncertain=grade.uncertain)


def build_scorecard(interview_id: str, state: State, library: Library) -> Scorecard:
    """The overall result and, per graded question, criteria, evidence, gaps and the outline."""
    cards = [c for qid in state.plan.question_ids
             if (c := _question_card(library, qid, state)) is not None]
    unanswered = len(state.plan.question_ids) - len(cards)
    overall = _overall(cards, unanswered if state.finished else 0)
    graders = sorted({card.grader for card in cards})  # none yet: "not graded yet"
    usage = sum((card.usage for card in cards), Usage())
    return Scorecard(interview_id=interview_id, overall=overall, hire_signal=hire_signal(overall),
                     grader=", ".join(graders), questions=cards, usage=usage,
                     level=state.plan.level,
                     unanswered=unanswered, fix_first=fix_first(cards, unanswered))


def _overall(cards: list[QuestionCard], skipped: int) -> float:
    """Mean of the questions' overall scores; once the interview is over, a question left
    unanswered counts as a 1, so skipping cannot raise the hire signal."""
    if not cards:
        return 1.0
    return round((sum(c.overall for c in cards) + skipped) / (len(cards) + skipped), 2)
