"""An essay beside the question: fluent paragraphs that reuse the question's nouns but never
answer its ask. Noun overlap cannot tell such an essay from an answer, so this looks at what
the text does: an answer proposes, decides, measures or recounts what the candidate did; an
essay describes statistics, history or the industry, and nobody in it acts on the scenario."""

from __future__ import annotations

import re

from interviewer.offline.analysis import Reading

# mean engagement below this: most sentences propose, decide or measure nothing. Below the
# 0.6 a third-person plan earns per sentence ("tokens should expire after an hour"), so a plan
# written without an "I" is never an essay; on the three blind sets no answer but off-topic,
# thin and keyword-list ones fell under it anywhere from 0.25 to 0.5
ESSAY_ENGAGEMENT = 0.4
# list items this many or more make the answer a list of proposals, not an essay: a plain
# bullet list of what to build ("A tool that runs the prompts") is a plan without an "I"
LIST_ITEMS = 2
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
