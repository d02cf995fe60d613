"""The export document as a PDF, made on the server with fpdf2 (pure Python).

The text is set in Noto Sans, which ships in a wheel (fontpkg-noto-sans) and covers Latin,
Greek and Cyrillic with typographic quotes and dashes. A character the font cannot draw (an
emoji, a CJK ideograph) is printed as "?" rather than failing the export; the Markdown and
JSON exports keep every character as written.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import TextMode, XPos, YPos

from interviewer.exports.markdown import duration

FONT = "Noto"
MISSING = "?"
GREY, INK, RED = (90, 90, 90), (20, 20, 20), (150, 20, 20)


@cache
def font_file() -> Path:
    return Path(str(files("fontpkg_noto_sans") / "files" / "NotoSans[wdth,wght].ttf"))


class _Pdf(FPDF):
    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self._widths: dict[tuple[str, float], float] = {}

    def footer(self) -> None:
        self.set_y(-12)
        self._style("", 8, GREY)
        self.cell(0, 6, f"Page {self.page_no()}", align="C")

    def _style(self, style: str, size: float, color: tuple[int, int, int] = INK) -> None:
        """Bold is drawn as a stroked outline of the regular face: instancing the variable
        font at a bold weight costs fontTools seconds per export."""
        self.set_font(FONT, "", size)
        self.set_text_color(*color)
        self.set_draw_color(*color)
        self.set_line_width(size * 0.012)
        self.text_mode = TextMode.FILL_STROKE if style == "B" else TextMode.FILL

    def drawable(self, text: str) -> str:
        """The text with what the font cannot draw replaced, and tabs and carriage returns
        made plain, so no answer a candidate pastes can make the export fail."""
        cmap = self.current_font.cmap
        text = str(text).replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
        return "".join(c if c == "\n" or ord(c) in cmap else MISSING for c in text)

    def para(self, text: str, style: str = "", size: float = 10, color=INK, indent: float = 0,
             gap: float = 1.5) -> None:
        self._style(style, size, color)
        width = self.epw - indent
        for line in self.wrap(self.drawable(text), width - 2 * self.c_margin):
            self.set_x(self.l_margin + indent)
            self.cell(width, size * 0.5, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(gap)

    def width_of(self, word: str) -> float:
        """A word's width at the current size, remembered: fpdf2's own line breaking
        measures each line again for every character added, which takes seconds on a full
        loop's transcript, where measuring each word once takes milliseconds."""
        key = (word, self.font_size_pt)
        if key not in self._widths:
            self._widths[key] = self.get_string_width(word)
        return self._widths[key]

    def wrap(self, text: str, width: float) -> list[str]:
        """Greedy line breaking at spaces; a word longer than a line is cut where it fills it."""
        lines: list[str] = []
        space = self.width_of(" ")
        for paragraph in text.split("\n"):
            line, used = "", 0.0
            for word in self._pieces(paragraph.split(" "), width):
                needed = self.width_of(word) + (space if line else 0.0)
                if line and used + needed > width:
                    lines.append(line)
                    line, used = word, self.width_of(word)
                else:
                    line, used = (f"{line} {word}" if line else word), used + needed
            lines.append(line)
        return lines

    def _pieces(self, words: list[str], width: float) -> list[str]:
        out: list[str] = []
        for word in words:
            while self.width_of(word) > width and len(word) > 1:
                cut, used = 0, 0.0
                while cut < len(word) and used + self.width_of(word[cut]) <= width:
                    used += self.width_of(word[cut])
                    cut += 1
                out.append(word[:max(cut, 1)])
                word = word[max(cut, 1):]
            out.append(word)
        return out

    def heading(self, text: str, size: float) -> None:
        if self.get_y() > self.h - 40:  # keep a heading with what follows it
            self.add_page()
        self.ln(2)
        self.para(text, "B", size, gap=1)

    def bullets(self, items: list[str]) -> None:
        for item in items:
            self.para(f"• {item}", indent=3, gap=0.5)
        self.ln(1)


def _document() -> _Pdf:
    pdf = _Pdf(format="A4")
    pdf.add_font(FONT, "", str(font_file()))
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_title("Platform PM interview scorecard")
    pdf.set_creator("platform-pm-interviewer")
    pdf.add_page()
    return pdf


def _summary(pdf: _Pdf, doc: dict[str, Any]) -> None:
    iv, res = doc["interview"], doc["result"]
    pdf.heading(f"Scorecard: {iv['area']} · {iv['topic']}", 18)
    pdf.para(f"{iv['mode']}, {iv['created_at']} ({iv['status'].replace('_', ' ')}). "
             f"Level: {iv['level']}. Model: {iv['model']}.", color=GREY)
    pdf.para(f"Overall {res['overall']:.2f} / 4: {res['hire_signal']}", "B", 14)
    pdf.para(f"Graded by the {res['grader_label']}. Answered {res['answered']} of "
             f"{res['total']} questions.")
    if res["fix_first"]:
        pdf.heading("Fix these first", 13)
        pdf.bullets(res["fix_first"])
    if doc["fallbacks"]:
        pdf.heading("Fallbacks", 13)
        pdf.bullets(doc["fallbacks"])


def _transcript(pdf: _Pdf, doc: dict[str, Any]) -> None:
    pdf.heading("Transcript", 15)
    for t in doc["transcript"]:
        pdf.para(f"{t['speaker']} · {t['label']}", "B", 9, GREY, gap=0.5)
        pdf.para(t["text"], indent=4)
        if t["note"]:
            pdf.para(f"The library's words were used: {t['note']}", size=8, color=GREY,
                     indent=4)


def _question(pdf: _Pdf, q: dict[str, Any]) -> None:
    pdf.heading(f"Question {q['number']}: {q['question']}", 13)
    pdf.para(f"{q['area']} · {q['topic']}. Score {q['overall']:.2f} / 4, {q['signal']}. "
             f"Graded by the {q['grader_label']}.", color=GREY)
    for flag in q["red_flags"]:
        pdf.para(f"Red flag: {flag['name']}. {flag['why']}", "B", color=RED)
        if flag["quote"]:
            pdf.para(f"“{flag['quote']}”", indent=4)
    for note in q["notes"] + q["uncertain"]:
        pdf.para(note, size=9, color=GREY)
    for c in q["criteria"]:
        pdf.para(f"{c['name']}: {c['score']} / 4, {c['level']}", "B", 11, gap=0.5)
        for e in c["evidence"] or ["No evidence quoted."]:
            pdf.para(f"“{e}”" if c["evidence"] else e, color=GREY, indent=4, gap=0.5)
        for key, label in (("feedback", "Feedback"), ("missing", "Missing"), ("tip", "Tip")):
            if c[key]:
                pdf.para(f"{label}: {c[key]}", indent=4, gap=0.5)
        pdf.ln(1)
    for title, key in (("What was missing", "missed"),
                       ("What a strong answer covers", "strong_answer"),
                       ("What lifts it to Strong hire", "strong_hire"),
                       ("Common weak answers", "weak_answers")):
        if q[key]:
            pdf.para(title, "B", 11, gap=0.5)
            pdf.bullets(q[key])
    for e in q["exchanges"]:
        kind = "Follow-up" if e["kind"] == "follow_up" else "Question"
        pdf.para(f"{kind} · your answer took {duration(e['seconds'])} of a "
                 f"{duration(e['target'])} target", "B", 9, GREY, gap=0.5)
        pdf.para(e["prompt"], indent=4, gap=0.5)
        pdf.para(e["answer"], indent=8)


def to_pdf(doc: dict[str, Any]) -> bytes:
    pdf = _document()
    _summary(pdf, doc)
    _transcript(pdf, doc)
    pdf.heading("Feedback per question", 15)
    for q in doc["questions"]:
        _question(pdf, q)
    if not doc["questions"]:
        pdf.para("No answer was graded.")
    return bytes(pdf.output())
