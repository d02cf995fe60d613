"""An essay beside the question: fluent paragraphs that reuse the question's nouns but never
answer its ask. Noun overlap cannot tell such an essay from an answer, so this looks at what
the text does: an answer proposes, decides, measures or recounts what the candidate did; an
essay describes statistics, history or the industry, and nobody in it acts on the scenario."""

from __future__ import annotations

import re

from interviewer.offline.analysis import Reading
from interviewer.offline.engagement import imperative
from interviewer.offline.lexicon import HYPOTHETICAL, NARRATED
from interviewer.offline.matching import CompiledRubric

# mean engagement below this: most sentences propose, decide or measure nothing. Below the
# 0.6 a third-person plan earns per sentence ("tokens should expire after an hour"), so a plan
# written without an "I" is never an essay; on the three blind sets no answer but off-topic,
# thin and keyword-list ones fell under it anywhere from 0.25 to 0.5
ESSAY_ENGAGEMENT = 0.4
# list items this many or more make the answer a list of proposals, not an essay: a plain
# bullet list of what to build ("A tool that runs the prompts") is a plan without an "I"
LIST_ITEMS = 2
# sentences recounting the candidate's past ("we moved", "at my last company") that make an
# answer with no plan in it a recollection rather than a proposal
RECOUNTED = 2
STORY = "story"  # the criterion a behavioural question's rubric adds: there, a story is the ask
_LIST_ITEM = re.compile(r"^\s*(?:[-*\u2022\u2013]|\d+[.)])\s", re.MULTILINE)


def proposes_nothing(answer: str, reading: Reading) -> bool:
    """An essay in paragraphs where the candidate never speaks as the one acting ("I'd",
    "we ship", "our gateway") and almost no sentence proposes, decides or measures."""
    sentences = reading.sentences
    if not sentences or len(_LIST_ITEM.findall(answer)) >= LIST_ITEMS:
        return False
    if any(s.voiced for s in sentences):
        return False
    return sum(s.engaged for s in sentences) / len(sentences) < ESSAY_ENGAGEMENT


def recollection(reading: Reading) -> bool:
    """Told wholly in the past: several sentences recount what the candidate did, and none
    proposes anything ("I would", "we'll", an imperative)."""
    texts = [s.sentence.text for s in reading.sentences]
    if any(HYPOTHETICAL.search(t) or imperative(t) for t in texts):
        return False
    return sum(bool(NARRATED.search(t)) for t in texts) >= RECOUNTED


def does_the_ask(rubric: CompiledRubric, reading: Reading) -> bool:
    """The answer does the kind of thing the question asks the candidate to do. A behavioural
    question asks for a story; any other asks for a plan, a design or a recommendation for
    the scenario, so an answer that only recounts what the candidate once did elsewhere, and
    never says what they would do here, has not done it (a recollection on a scenario
    question often answers a neighbouring one: building the platform, not selling it)."""
    return any(c.id == STORY for c in rubric.criteria) or not recollection(reading)
