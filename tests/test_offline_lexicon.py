"""The offline grader's vocabulary lives in prompts/offline/lexicon.yaml, where a platform PM
can edit it: it loads into the names the grader uses, and `interviewer check` refuses a broken
file naming the file and the field."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from interviewer.cli import app
from interviewer.offline import lexicon
from interviewer.offline.lexicon import default_path, load_lexicon
from tests.broken_prompts import check_with_edit

runner = CliRunner()


def test_the_shipped_lexicon_is_what_the_grader_reads() -> None:
    loaded = load_lexicon(default_path())
    assert frozenset(loaded.words.vague_words.split()) == lexicon.VAGUE_WORDS
    assert "stakeholder" in lexicon.VAGUE_WORDS and "endpoint" in lexicon.PLATFORM_WORDS
    assert lexicon.REASONING.search("We cap it per key so that one tenant cannot starve others")
    assert not lexicon.REASONING.search("Tokens expire after an hour")
    assert lexicon.SIGNPOSTS.search("First, who are the users")
    assert not lexicon.SIGNPOSTS.search("Who comes first")  # only at the start
    assert lexicon.NARRATED.findall("At my last company we shipped it and I led the move")
    assert lexicon.HYPOTHETICAL.search("We'd ship it behind a flag")


def test_engagement_cues_and_english_come_from_the_yaml() -> None:
    """The cues that were Python word lists (engagement, framing, list-item reasons,
    abbreviations, irregular stems) load from the same file and still read the same."""
    from interviewer.offline import engagement, text

    assert engagement.voiced("I'd cap each key at 100 requests")
    assert not engagement.voiced("The PMs I know ship fast")  # an onlooker, not an actor
    assert engagement.imperative("Then cap each key at 100 requests")
    assert engagement.expository("In the 1990s most companies built their own tools")
    assert not engagement.expository("Cap each key at 100 requests a minute")
    assert text.stem("chose") == text.stem("choice") == "choos"
    assert [s.text for s in text.split_sentences("Use e.g. a queue. Then ship it.")] == [
        "Use e.g. a queue.", "Then ship it."]
    assert lexicon.FRAGMENT_REASON.search("pick teams so the centre is no bottleneck")
    assert "custom" in lexicon.FRAMING_STARTS


def test_a_word_added_in_yaml_reaches_the_grader(tmp_path: Path) -> None:
    text = default_path().read_text(encoding="utf-8").replace(
        "  vague_words: |-\n", "  vague_words: |-\n    synergistic\n", 1)
    path = tmp_path / "lexicon.yaml"
    path.write_text(text, encoding="utf-8")
    assert "synergistic" in load_lexicon(path).words.vague_words.split()


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("  hedge: [", "  hedges: [", "lexicon.yaml: patterns.hedge: Field required"),
    ("'so that'", "'so (that'", "lexicon.yaml: patterns.reasoning: Value error, 'so (that' is "
                                "not a valid pattern"),
    ("  role_words: |-\n", "  role_words: ' '\n  unused: |-\n", "lexicon.yaml: words."),
    ("  plan_verbs: |-\n", "  plan_verb: |-\n", "lexicon.yaml: engagement.plan_verbs: Field "
                                                "required"),
    ("  reader: [", "  reader: ['(you', ", "lexicon.yaml: engagement.reader: Value error, '(you'"
                                           " is not a valid pattern"),
    ("    broke: break\n", "    Broke: break\n", "lexicon.yaml: english.irregular_stems: Value "
                                                   "error, Broke: break: both must be lower-case"),
])
def test_check_refuses_a_broken_lexicon_naming_file_and_field(tmp_path: Path, old: str,
                                                              new: str, expected: str) -> None:
    said = check_with_edit(tmp_path, "offline/lexicon.yaml", default_path(), old, new)
    assert expected in said


def test_check_passes_the_shipped_lexicon() -> None:
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0, result.output
