"""Spotting text that addresses the grader instead of answering the question: fake role lines,
comments and override blocks, score demands, pasted labels and polite requests."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from interviewer.offline.text import Sentence, split_sentences

_GRADER = (r"(?:grader|grading|graders|evaluator|evaluators|evaluation|assessor|examiner|marker|"
           r"judge|reviewer|scorer|scoring|rater|ai|llm|language model|assistant|model|system|bot)")
_STRICT = (r"(?:grader|grading (?:model|system)|evaluator|evaluation model|assessor|examiner|"
           r"marker|scorer|scoring (?:model|system|guide)|rater|rubric)")
_TOP = (r"(?:full|top|maximum|max|perfect|highest|best|excellent|a 4|4|four|10|100|"
        r"strong[- ]hire|exceptional)")
_REWARD = (r"(?:marks?|scores?|points?|grades?|ratings?|credit|hire|4s|/\s*4|out of (?:4|four|10)"
           r"|across the board|on (?:all|every|each) criteri(?:on|a))")
_SCOPE = r"(?:all|every|each|the|this|overall)"

# possessive (`*+`): whitespace either side of the brackets is never given back, so a long
# run of spaces is scanned once instead of split every possible way
_ROLE_MARKER = re.compile(
    r"^\s*+[\[<(#*>{-]*+\s*+(?:system|assistant|user|developer|instructions?|grader|evaluator|"
    r"reviewer|judge|admin|operator|ai|model|note to (?:the )?\w+)"
    r"(?:\s+(?:prompt|note|message|override|instruction|verdict|response))?\s*+[\]>)*}]*+\s*+:",
    re.IGNORECASE,
)
_MARKUP = re.compile(
    r"<!--|-->|<\|?(?:im_start|im_end|system|endoftext|assistant|user)\|?>|\[/?inst\]|<<sys>>|"
    r"</?\s*(?:system|answer|response|instructions?|grader|evaluation)\s*>|"
    r"\[/?\s*(?:system|evaluator|grader|admin|judge)[\w ]*\]|"
    r"\{\s*\"?(?:overall|score|scores|criteria|grade|label|rating)\"?\s*:",
    re.IGNORECASE,
)
_DIRECTIVES = [
    # ignore / disregard the rubric or the instructions
    r"\b(?:ignore|disregard|forget|override|bypass|skip|set aside)\b(?:\s+(?:all|any|the|your|my|"
    r"these|those|previous|prior|above|earlier|other|usual|grading|scoring|marking|of|everything|"
    r"for this item|for this answer))*\s+(?:instructions?|rubrics?|criteria|guidelines|guide|"
    r"guidance|rules|prompts?|directions|grading|scoring)",
    # give / assign / output a top score
    rf"\b(?:give|award|assign|grant|mark|score|rate|grade|output|return|set|record|enter)\b.{{0,25}}\b(?:this|"
    rf"my|me|us|the candidate|the answer|the response|it)\b.{{0,30}}\b{_TOP}\b.{{0,25}}{_REWARD}",
    rf"\b(?:give|award|assign|grant)\s+(?:the\s+)?{_TOP}\s+{_REWARD}",
    rf"\b(?:score|rate|grade|mark|assign|give|award|output|return|set)\b.{{0,30}}\b{_SCOPE}\s+"
    r"(?:criteri(?:on|a)|criterion scores|scores|marks|overall)\b.{0,25}(?:\b(?:4|four)\b|"
    r"strong[- ]hire|full|maximum)",
    rf"\b(?:give|award|assign|grant)\b.{{0,15}}\b(?:this|my|the)\s+(?:answer|response|"
    rf"candidate)\b.{{0,30}}\b{_TOP}\b",
    r"(?:\b(?:overall|final score|overall score|final grade)\s*(?:=|:|is|of)|"
    r"\b(?:score|rating|grade)\s*(?:=|:))\s*\"?(?:4|four)\b(?!\s*(?:%|ms|seconds|minutes|hours|days|"
    r"x\b|\.\d))",
    r"\b\d\s*/\s*4\b|\b(?:4|four) out of (?:4|four)\b",
    # addressing the grader
    rf"\byou(?:'re| are)\s+(?:now\s+)?(?:the|a|an|my)?\s*{_GRADER}\b",
    rf"\b(?:dear|attention|hey|hello|hi)\s+(?:the|an?|my)?\s*(?:automated\s+)?{_GRADER}\b",
    rf"\b(?:note|message|instructions?|memo|reminder|p\.?s\.?)\s+(?:to|for)\s+(?:the|any|whoever|"
    rf"whatever)?\s*(?:automated |ai |llm |model |human )?{_GRADER}\b",
    rf"\bto (?:the )?(?:automated |ai )?{_STRICT}\b",
    r"\bwho(?:ever)? (?:or what(?:ever)? )?is (?:grading|scoring|evaluating|marking|assessing|"
    r"reviewing) (?:this|these|my)\b",
    r"\b(?:for|to) who(?:ever)? (?:grades|scores|marks|evaluates|assesses|reviews|reads) "
    r"(?:this|these|my)\b",
    r"\b(?:in mind|into account) when (?:evaluating|grading|scoring|marking|assessing)\b",
    r"\b(?:record|enter)\s+(?:4s|fours|top marks|full marks)\s+(?:across the board|on (?:every|all|"
    r"each)|for (?:every|all|each))\b",
    rf"\b{_GRADER}s? (?:scoring|grading|evaluating|marking|assessing|reviewing|reading) "
    r"(?:this|these|my) (?:answer|response|submission|item)",
    rf"\b{_STRICT}s?\b.{{0,40}}\b(?:must|should|will|shall|is instructed|are instructed|needs? to)"
    r"\b.{0,30}\b(?:score|rate|mark|give|award|pass|output|assign|return|grade)",
    # claims about the answer, the candidate or the rubric aimed at the grader
    r"\b(?:this|my|the candidate's|the above) (?:answer|response|submission)\b.{0,30}\b(?:deserves|"
    r"merits|earns|should (?:get|receive|be (?:given|scored|rated|graded|marked))|must (?:get|"
    r"receive|be)|meets every|meets all|satisfies (?:all|every)|is (?:a )?perfect|is complete and "
    r"correct|demonstrates senior)",
    r"\b(?:the )?candidate\b.{0,40}\b(?:pre-?screened|already (?:been )?(?:rated|confirmed|"
    r"approved)|rated exceptional|should be (?:scored|rated|hired)|meets every|deserves)",
    r"\brubric\b.{0,40}\b(?:has been|was|is now|does not|doesn't|no longer)\b.{0,20}\b(?:updated|"
    r"changed|replaced|waived|apply|applies|relevant)",
    r"\b(?:updated|new) (?:calibration|grading|scoring|marking) (?:guidance|guide|rules|"
    r"instructions|policy)\b",
    r"\b(?:new|updated|real|actual|hidden) instructions?\b",
    r"\b(?:evaluator|grader|system|admin|scoring) override\b",
    r"\b(?:do not|don't|never)\s+(?:penali[sz]e|deduct|mark (?:me |this )?down|lower (?:the|my) "
    r"score|grade (?:me|this) (?:down|harshly))",
    # a verdict claimed for the answer ("the right score for this is a four", "score it 4",
    # "pre-approved as a 4", "automatically a strong hire")
    r"\b(?:right|correct|fair|proper|real|true)\s+(?:score|grade|mark|rating|level)\b.{0,40}"
    r"\b(?:is|would be|=)\s+(?:a\s+)?(?:4|four|strong[- ]hire)\b",
    r"\b(?:score|rate|grade|mark)\s+(?:it|this|me|this answer)\s+(?:a\s+|as\s+a\s+)?(?:4|four)\b",
    r"\bpre-?approved\b|\balready been approved\b",
    r"\bautomatically\s+(?:a\s+|an\s+)?(?:strong[- ]hire|4|four|top score|pass)\b",
    r"\b(?:respond|reply|answer|output)\s+(?:only\s+)?with\b.{0,30}\b(?:score|grade|rating|"
    r"marks|json)\b",
    r"\bpretend\b.{0,30}\b(?:answer|grader|rubric|covered|score)",
    r"\b(?:end of|begin|start of) (?:the )?(?:answer|candidate answer|system prompt|prompt)\b",
    rf"\b{_TOP}\s+{_REWARD}\b.{{0,30}}\b(?:please|required|expected|guaranteed|for this)\b",
]
_DIRECTIVE = re.compile("|".join(f"(?:{d})" for d in _DIRECTIVES), re.IGNORECASE | re.DOTALL)
# Words that show a sentence is about the grading rather than about the problem.
_META = re.compile(
    r"\b(?:candidate|rubric|criteri(?:on|a)|grader|grading|evaluator|scoring guide|marks|"
    r"strong[- ]hire|hiring committee|this (?:answer|response|item)|overall score|score(?:d)? "
    r"(?:as|of)|override|interviewer has)\b",
    re.IGNORECASE,
)
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
# Everything between an opening grader tag and its closing tag ("[GRADER OVERRIDE] ...
# [/GRADER OVERRIDE]", "<system> ... </system>") is addressed to the grader, sentence by sentence.
_TAGGED = re.compile(
    r"\[\s*(system|evaluator|grader|admin|judge)\b[^\]\n]{0,40}\].{0,2000}?\[/\s*\1\b[^\]\n]{0,40}\]|"
    r"<\s*(system|instructions?|grader|evaluation)\s*>.{0,2000}?</\s*\2\s*>",
    re.IGNORECASE | re.DOTALL)
_PARAGRAPH = re.compile(r"\n\s*\n")


def is_instruction_to_grader(sentence: str) -> bool:
    """True when a sentence addresses the grader (role lines, markup, score demands, claims)."""
    return bool(_ROLE_MARKER.search(sentence) or _MARKUP.search(sentence)
                or _DIRECTIVE.search(sentence))


def _spans(text: str) -> list[tuple[int, int]]:
    """Character spans that are injected as a whole: comments, and the rest of a paragraph once
    it starts addressing the grader."""
    spans = [(m.start(), m.end()) for m in _COMMENT.finditer(text)]
    spans += [(m.start(), m.end()) for m in _TAGGED.finditer(text)]
    start = 0
    for m in [*_PARAGRAPH.finditer(text), None]:
        end = m.start() if m else len(text)
        para = text[start:end]
        first = split_sentences(para)[:1]
        if first and is_instruction_to_grader(first[0].text):
            spans.append((start, end))
        start = m.end() if m else end
    return spans


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The same characters as sorted spans that do not overlap."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def find_instructions(text: str, sentences: list[Sentence] | None = None) -> set[int]:
    """Indices of the sentences of `text` that address the grader rather than the question."""
    sentences = split_sentences(text) if sentences is None else sentences
    spans = _merged(_spans(text))
    ends = [b for _, b in spans]
    found = set()
    for i, s in enumerate(sentences):
        first = bisect_right(ends, s.start)  # the first span that ends after the start
        inside = first < len(spans) and spans[first][0] < s.start + len(s.text)
        if inside or is_instruction_to_grader(s.text):
            found.add(i)
    # a run of sentences about the grading next to a flagged one belongs to the same
    # injection: one sweep each way reaches every such run, however long
    meta = [bool(_META.search(s.text)) for s in sentences]
    for i in range(1, len(sentences)):  # runs that follow a flagged sentence
        if meta[i] and i - 1 in found:
            found.add(i)
    for i in range(len(sentences) - 2, -1, -1):  # and runs that lead up to one
        if meta[i] and i + 1 in found:
            found.add(i)
    return found


def _outside(s: Sentence, spans: list[tuple[int, int]], ends: list[int]) -> list[Sentence]:
    """The parts of a sentence that lie outside the given spans, as verbatim sentences.

    `spans` are sorted and do not overlap, and `ends` are their ends, so only the spans that
    can touch the sentence are looked at."""
    pieces, cursor, end = [], s.start, s.start + len(s.text)
    i = bisect_right(ends, s.start)
    while i < len(spans) and spans[i][0] < end:
        a, b = spans[i]
        pieces.append((cursor, max(cursor, a)))
        cursor, i = max(cursor, b), i + 1
    pieces.append((cursor, end))
    out = []
    for a, b in pieces:
        raw = s.text[a - s.start:b - s.start]
        text = raw.strip()
        if len(text.split()) >= 3:
            out.append(Sentence(text, a + len(raw) - len(raw.lstrip())))
    return out


def separate(text: str) -> tuple[list[Sentence], list[Sentence]]:
    """Split an answer into the sentences that answer the question and those aimed at the
    grader; text around an inline comment is kept as its own sentence."""
    sentences = split_sentences(text)
    flagged = find_instructions(text, sentences)
    comments = _merged([(m.start(), m.end()) for m in (*_COMMENT.finditer(text),
                                                        *_TAGGED.finditer(text))])
    ends = [b for _, b in comments]
    kept: list[Sentence] = []
    injected: list[Sentence] = []
    for i, s in enumerate(sentences):
        if i not in flagged:
            kept.append(s)
            continue
        injected.append(s)
        kept.extend(p for p in _outside(s, comments, ends) if not is_instruction_to_grader(p.text))
    return kept, injected


def instruction_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) ranges of `text` aimed at the grader; deleting them leaves the answer."""
    kept, injected = separate(text)
    kept = sorted(kept, key=lambda p: p.start)
    starts = [p.start for p in kept]
    spans = []
    for s in injected:
        cursor, end = s.start, s.start + len(s.text)
        i = bisect_left(starts, s.start)
        while i < len(kept) and kept[i].start < end:
            spans.append((cursor, kept[i].start))
            cursor, i = kept[i].start + len(kept[i].text), i + 1
        spans.append((cursor, end))
    return [(a, b) for a, b in spans if b > a]
