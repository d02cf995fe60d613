"""Everyday expressions for the rubrics' terms (prompts/offline/synonyms.yaml): a mechanism said
in plain words earns what the term earns, on any question, and nothing else does. Hand-written
sentences only; no labelled answer is quoted."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interviewer.library import default_library
from interviewer.models.base import Exchange, GradeRequest
from interviewer.offline import grade_answer, grader, matching
from interviewer.offline.matching import compile_phrase, compiled, find_concepts, positions
from interviewer.offline.synonyms import (
    Synonyms,
    compile_table,
    load_synonyms,
    table,
    with_terms,
)
from interviewer.offline.text import stems, words


def _concepts(topic: str, sentence: str) -> set[str]:
    """The names of the concepts a sentence matches exactly in a topic's rubric."""
    rubric = compiled(default_library().rubrics[topic])
    found = stems(sentence)
    hard, _ = find_concepts(rubric, positions(found), frozenset(found))
    return {rubric.criteria[ci].concepts[k].name for ci, ks in enumerate(hard) for k in ks}


def test_every_term_is_a_phrasing_some_rubric_concept_uses() -> None:
    """A term no concept says would earn nothing: the entry would be dead content."""
    said = {compile_phrase(text) for r in default_library().rubrics.values()
            for c in r.criteria for k in c.concepts for text in [k.name, *k.phrases]}
    unused = [t for t in load_synonyms().terms if compile_phrase(t) not in said]
    assert not unused


@pytest.mark.parametrize(("topic", "sentence", "concept"), [
    # each sentence earns its concept only through an expression of synonyms.yaml
    ("observability", "I'd set a goal for each bank, like ninety-five percent paid within five "
                      "minutes.", "slis and slos"),
    ("observability", "Each bank gets a reliability target that the shops can see.",
     "slis and slos"),
    ("observability", "Each month we look at the allowed number of failures left for each "
                      "bank.", "error budgets"),
    ("observability", "Next to it sits a page showing delays for each shop.",
     "dashboards that answer questions"),
    ("observability", "If the slowest one percent of checkouts get worse, we hear about it.",
     "percentiles not averages"),
    ("rate-limiting", "If the part that counts goes down, every sender gets a slow, safe pace.",
     "limiter failure behaviour"),
    ("rate-limiting", "For two weeks we only record what would have been held back.",
     "careful rollout of limits"),
    ("rate-limiting", "A couple of customers send sudden floods to one provider.",
     "handling bursts"),
    ("versioning", "We give every team months to switch, with the date in writing.",
     "deprecation window and timeline"),
    ("success-metrics", "We also check nothing gets worse for people who sign in on phones.",
     "guardrail and counter metrics"),
])
def test_a_mechanism_said_in_everyday_words_earns_the_concept(
        topic: str, sentence: str, concept: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert concept in _concepts(topic, sentence)
    # and only through the expression: without synonyms the same sentence earns nothing
    monkeypatch.setattr(matching, "with_terms", lambda where, _table: where)
    assert concept not in _concepts(topic, sentence)


@pytest.mark.parametrize(("topic", "sentence", "concept"), [
    ("observability", "My goal was to see each museum in the city.", "slis and slos"),
    ("observability", "The dog woke up early and so did the whole street.",
     "alerting on symptoms"),
    ("rate-limiting", "The river floods suddenly every spring.", "handling bursts"),
    # an expression counts only as said, word for word: here its words are apart or reordered
    ("observability", "The change went wrong, and nobody wrote it up.",
     "incident process and postmortems"),
    ("rate-limiting", "What the team would record, only time will tell.",
     "careful rollout of limits"),
])
def test_an_unrelated_plain_sentence_does_not(topic: str, sentence: str, concept: str) -> None:
    assert concept not in _concepts(topic, sentence)


def test_a_synonym_does_not_pin_a_sentence_to_the_subject() -> None:
    """The term stands in only for matching concepts: the sentence's own stems are unchanged
    where the caller keeps them, so everyday words never make it read as jargon elsewhere."""
    where = positions(stems("we can undo the change"))
    before = {s: list(ps) for s, ps in where.items()}
    grown = with_terms(where, table())
    assert where == before
    assert set(grown) > set(where)


def test_a_one_word_expression_is_refused() -> None:
    with pytest.raises(ValueError, match="two words or more"):
        Synonyms(terms={"roll back": ["revert"]})


def test_a_bad_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "synonyms.yaml"
    bad.write_text("terms:\n  roll back: []\n", encoding="utf-8")
    with pytest.raises(ValueError, match="synonyms.yaml"):
        load_synonyms(bad)


WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)
EXPRESSIONS = sorted({e for said in load_synonyms().terms.values() for e in said})


@given(before=st.lists(WORD, max_size=12), after=st.lists(WORD, max_size=12),
       expression=st.sampled_from(EXPRESSIONS))
def test_an_expression_said_anywhere_adds_its_term(before: list[str], after: list[str],
                                                    expression: str) -> None:
    """Wherever a candidate says an expression, whatever surrounds it, its term is added
    where it starts, and nothing the sentence said is lost."""
    term = next(t for t, said in load_synonyms().terms.items() if expression in said)
    found = stems(" ".join([*before, expression, *after]))
    where = positions(found)
    grown = with_terms(where, table())
    start = len(stems(" ".join(before)))
    assert all(start + i in grown[s] for i, s in enumerate(stems(term)))
    assert all(set(ps) <= set(grown[s]) for s, ps in where.items())


@given(st.text(max_size=400))
def test_any_text_is_read_and_only_terms_are_added(text: str) -> None:
    where = positions(stems(text))
    grown = with_terms(where, table())
    terms = {s for t in load_synonyms().terms for s in stems(t)}
    assert set(grown) - set(where) <= terms


def test_the_table_grows_with_the_file_not_the_sentence() -> None:
    """The work per sentence follows its length: each position is tried only against the
    expressions that start with its stem, however long the file."""
    small = compile_table(Synonyms(terms={"roll back": ["undo the change"]}))
    assert list(small) == [stems("undo")[0]]
    assert all(len(words(e)) >= 2 for said in load_synonyms().terms.values() for e in said)



OUTLINE_Q = ("Our shared mail servers are being slowed down by the big mail providers. How "
             "would you limit sending?")
OUTLINE = ["Find out who is causing the slowdown before limiting anyone", "Absorb bursts",
           "Give the biggest customers notice and a path to dedicated servers"]
PLAIN = ("First I would find out which customers cause the slowdown, by provider and by server. "
         "My guess is a couple of customers sending sudden floods to one provider. "
         "Mail above the pace is held and sent as fast as the provider allows, never refused. "
         "The biggest customers get six weeks of notice and an offer of their own dedicated "
         "servers.")


def _missed(answer: str) -> list[str]:
    rubric = default_library().rubrics["rate-limiting"]
    return grade_answer(GradeRequest(
        question_id="plain-outline", question_text=OUTLINE_Q, area="api-products",
        topic="rate-limiting", rubric=rubric, strong_answer=OUTLINE,
        exchanges=[Exchange(prompt=OUTLINE_Q, answer=answer)])).missed


def test_an_outline_point_said_plainly_is_not_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    """"Missing" lists what the answer did not cover, not what it covered in plain words."""
    assert OUTLINE[1] not in _missed(PLAIN)
    # the expression is what covers it: without synonyms the point is listed
    monkeypatch.setattr(matching, "with_terms", lambda where, _table: where)
    monkeypatch.setattr(grader, "terms_said", lambda _text, _table: set())
    assert OUTLINE[1] in _missed(PLAIN)


def test_an_outline_point_not_said_at_all_is_still_missing() -> None:
    assert OUTLINE[1] in _missed(PLAIN.replace("sending sudden floods to one provider",
                                               "sending to one provider"))
