"""Library questions as their author first wrote them, from the repository's git history.

A blind set's questions were written before anyone saw its answers; once it was measured and
became tuning data, people who had read those answers added or narrowed the questions' own
red flags (and, for a few, their outlines). Grading a held-out set with today's questions
therefore flatters the grader: part of what it "knows" about those questions was learnt from
the very answers it is graded on. `refit --folds --original` grades each held-out set with its
questions' outlines and red flags as first committed instead, which is what the grader has on
a question nobody tuned: an estimate of the next blind set, not of this one.

The same holds one level up: the topic rubrics' concept phrasings, plain paraphrases and red
flags were edited after each set was measured. `rubrics_at` loads the rubrics as they were
when a set was first committed (before anyone tuned on it), and `rubrics_in_use` grades with
them. Only the parts of a question the offline grader reads as cues are taken from history
(the strong-answer outline and the question's red flags); the grader's code and lexicon stay
as they are today, so the estimate still flatters it by whatever they learnt."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml

from interviewer.library import Library, Question, RedFlag, Rubric, load_rubrics

QUESTIONS = "prompts/questions"
RUBRICS = "rubrics"
CUES = ("strong_answer", "red_flags")  # what the offline grader reads from a question


class HistoryError(RuntimeError):
    """The git history needed for first-written questions is not there (no git, no repository,
    or a shallow clone)."""


def _git(root: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                              check=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", "") or str(exc)
        raise HistoryError(f"git {' '.join(args[:2])} failed in {root}: {detail.strip()}") from exc
    return done.stdout


def history(root: Path, folder: str = QUESTIONS) -> Iterator[str]:
    """The text of every question file in every commit that touched `folder`, oldest first."""
    if _git(root, "rev-parse", "--is-shallow-repository").strip() == "true":
        raise HistoryError(f"{root} is a shallow clone: fetch its full history first "
                           "(git fetch --unshallow)")
    for commit in _git(root, "log", "--reverse", "--format=%H", "--", folder).split():
        for path in _git(root, "ls-tree", "--name-only", commit, f"{folder}/").split():
            if path.endswith(".yaml"):
                yield _git(root, "show", f"{commit}:{path}")


def first_of(wanted: Iterable[str], files: Iterable[str]) -> dict[str, dict]:
    """Each wanted question id's mapping in the first of `files` (question-file YAML texts,
    oldest first) that has it; an id none has is left out. Stops reading once all are found."""
    todo, found = set(wanted), {}
    for text in files if todo else ():
        data = yaml.safe_load(text) or {}
        for q in data.get("questions") or [] if isinstance(data, dict) else []:
            if isinstance(q, dict) and q.get("id") in todo:
                found[q["id"]] = q
                todo.discard(q["id"])
        if not todo:
            break
    return found


def first_versions(root: Path, wanted: Iterable[str],
                   folder: str = QUESTIONS) -> dict[str, dict]:
    """Each wanted question id as first committed to `folder` in the repository at `root`."""
    return first_of(wanted, history(root, folder))


def as_first_written(question: Question, first: dict) -> Question:
    """`question` with its outline and red flags as first written (no red flags if it had
    none then)."""
    return question.model_copy(update={
        "strong_answer": list(first.get("strong_answer") or question.strong_answer),
        "red_flags": [RedFlag.model_validate(r) for r in first.get("red_flags") or []]})


def edited(question: Question, first: dict) -> bool:
    """Whether the question's cues changed after it was first committed."""
    return as_first_written(question, first).model_dump(include=set(CUES)) != \
        question.model_dump(include=set(CUES))


@contextmanager
def questions_in_use(library: Library, replaced: dict[str, Question]) -> Iterator[int]:
    """Inside the block, `library` serves `replaced` in place of its questions with the same
    ids; it serves its own again afterwards, even on an exception. Yields how many were
    swapped. (The library caches each question's rubric by the question object, so the swap
    needs no cache clearing.)"""
    kept = {qid: library.questions[qid] for qid in replaced if qid in library.questions}
    library.questions.update({qid: q for qid, q in replaced.items() if qid in kept})
    try:
        yield len(kept)
    finally:
        library.questions.update(kept)


def originals(library: Library, root: Path, ids: Iterable[str]) -> tuple[dict[str, Question],
                                                                        int]:
    """The library's questions among `ids` as first written, and how many of them were edited
    since; ids the library does not hold are left out."""
    ids = [i for i in dict.fromkeys(ids) if i in library.questions]
    first = first_versions(root, ids)
    out = {i: as_first_written(library.questions[i], first[i]) for i in ids if i in first}
    return out, sum(edited(library.questions[i], first[i]) for i in out)


def added_in(root: Path, path: Path) -> str:
    """The commit that first added `path` (a labelled set) to the repository at `root`,
    following renames: a set moved to `pending/` and back was measured when first added."""
    relative = path.resolve().relative_to(root.resolve()).as_posix()
    commits = _git(root, "log", "--follow", "--diff-filter=A", "--format=%H", "--",
                   relative).split()
    if not commits:
        raise HistoryError(f"{relative} was never committed in {root}")
    return commits[-1]


def rubrics_at(root: Path, commit: str) -> dict[str, Rubric]:
    """The topic rubrics as they were at `commit`, read with today's schema; a version that
    today's library refuses is a HistoryError listing why."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / RUBRICS
        folder.mkdir()
        for path in _git(root, "ls-tree", "--name-only", commit, f"{RUBRICS}/").split():
            if path.endswith(".yaml"):
                (folder / Path(path).name).write_text(_git(root, "show", f"{commit}:{path}"),
                                                      encoding="utf-8")
        problems: list[str] = []
        rubrics = load_rubrics(folder, problems)
    if problems:
        raise HistoryError(f"the rubrics at {commit[:7]} do not load today: "
                           f"{len(problems)} problem(s), first: {problems[0]}")
    return rubrics


@contextmanager
def rubrics_in_use(library: Library, rubrics: dict[str, Rubric]) -> Iterator[None]:
    """Inside the block, `library` grades on `rubrics`; its own again afterwards."""
    kept = library.rubrics
    library._rubric_of.clear()  # its cached rubric per question was built from the others
    library.rubrics = rubrics
    try:
        yield
    finally:
        library.rubrics = kept
        library._rubric_of.clear()
