"""Regex backtracking guard: every pattern the offline text pipeline compiles, timed on
adversarial text of n and 8n characters. Run by hand.

    python bench/regex_scaling.py             # n = 2,500 characters
    python bench/regex_scaling.py --chars 5000

Bytecode counting (tests/test_text_pipeline.py) cannot see inside the regex engine, so this
times each pattern's `finditer` over runs that make careless patterns backtrack: whitespace
with no line break, punctuation, digits, repeated trigger words, unclosed comments. A linear
pattern takes about 8x as long on the longer text; the table flags a ratio over 16 when the
longer run takes over 2 ms (shorter ones are timer noise), and exits 1 if one is flagged.
Times are the process's CPU time, so other jobs on a busy machine do not inflate them.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from interviewer.llm import injection as llm_injection  # noqa: E402
from interviewer.offline import analysis, engagement, injection, lexicon, text  # noqa: E402

MODULES = [text, injection, engagement, lexicon, analysis, llm_injection]
UNITS = {
    "spaces": " ", "tabs and spaces": " \t", "newlines": "\n", "dots": ".", ". .": ". .",
    "closers": ".\")]'", "digits": "9", "digit commas": "1,", "dashes": "-", "bullets": "- ",
    "words": "word ", "ignore": "ignore ", "give": "give this a ", "score": "score ",
    "comment": "<!--", "angle": "<", "if": "if ", "and": "and ", "you": "you are ",
    "quotes": "\"", "brackets": "[", "colons": ": ", "mixed": "a. b! c? ",
}
# patterns the code only ever matches at one position, timed that way (from every position,
# any pattern that starts with a run of whitespace is quadratic, which says nothing)
MATCHED_AT_START = {"text._BULLET", "text._BULLET_ONLY", "engagement._LEAD"}
FLAG_RATIO = 16.0
NOISE_MS = 2.0  # below this at 8n a ratio is timer and scheduler noise


def patterns() -> list[tuple[str, re.Pattern[str]]]:
    """Every compiled pattern at module level in the text pipeline, with its name."""
    found = []
    for module in MODULES:
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern):
                found.append((f"{module.__name__.rsplit('.', 1)[-1]}.{name}", value))
            elif isinstance(value, tuple):  # (pattern, replacement) pairs
                found.extend((f"{module.__name__.rsplit('.', 1)[-1]}.{name}[{i}]", item[0])
                             for i, item in enumerate(value)
                             if isinstance(item, tuple) and item
                             and isinstance(item[0], re.Pattern))
    return found


def seconds(pattern: re.Pattern[str], subject: str, at_start: bool) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        if at_start:
            pattern.fullmatch(subject)
            pattern.match(subject)
        else:
            for _match in pattern.finditer(subject):
                pass
        best = min(best, time.process_time() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chars", type=int, default=2_500)
    args = parser.parse_args()
    worst: list[tuple[float, str, str, float]] = []
    for name, pattern in patterns():
        for unit_name, unit in UNITS.items():
            small = (unit * args.chars)[:args.chars] + "x"
            large = (unit * args.chars * 8)[:args.chars * 8] + "x"
            at_start = name in MATCHED_AT_START
            t_small = seconds(pattern, small, at_start)
            t_large = seconds(pattern, large, at_start)
            ratio = t_large / max(t_small, 1e-6)
            worst.append((ratio, name, unit_name, t_large))
    worst.sort(reverse=True)
    print(f"{len(patterns())} patterns x {len(UNITS)} adversarial texts, "
          f"{args.chars:,} and {8 * args.chars:,} characters")
    print(f"{'pattern':<34}{'text':<18}{'8n / n':>8}{'ms at 8n':>10}")
    for ratio, name, unit_name, t_large in worst[:15]:
        flag = "  <-- superlinear" if _flagged(ratio, t_large) else ""
        print(f"{name:<34}{unit_name:<18}{ratio:>8.1f}{t_large * 1000:>10.2f}{flag}")
    slowest = max(worst, key=lambda w: w[3])
    print(f"slowest at 8n: {slowest[1]} on {slowest[2]}: {slowest[3] * 1000:.2f} ms")
    return 1 if any(_flagged(w[0], w[3]) for w in worst) else 0


def _flagged(ratio: float, t_large: float) -> bool:
    return ratio > FLAG_RATIO and t_large * 1000 > NOISE_MS


if __name__ == "__main__":
    sys.exit(main())
