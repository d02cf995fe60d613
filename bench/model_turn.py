"""The model work of one answered turn, alone: this process's CPU milliseconds per turn.

    python bench/model_turn.py                       # 400 turns, 50 at a time
    python bench/model_turn.py --turns 1000 --concurrency 200

Each turn does what `LLMModel` does for one answer: grade it (render and fit the grader's
prompt, count it, send it, read and check the verdict) and phrase the next question (a
streamed reply), through the real openai SDK and its transport, against the fake
OpenAI-compatible server of `bench/load.py` running in its own process with no latency. No
HTTP server, storage or engine: a change to the SDK path, prompt rendering or token counting
can be compared without the noise of the whole app. Questions are drawn from the whole
library, as a server's many interviews would. CPU is the whole process's
(`time.process_time`), the fake server's excluded. Prints one table row.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load import ANSWER, _start_fake  # noqa: E402
from interviewer.library import default_library  # noqa: E402
from interviewer.models.base import Exchange, GradeRequest, TurnRequest  # noqa: E402
from interviewer.models.llm import LLMModel  # noqa: E402
from interviewer.settings import Settings  # noqa: E402


def _requests(n: int, seed: int) -> list[tuple[GradeRequest, TurnRequest]]:
    library = default_library()
    questions = list(library.questions.values())
    rng = random.Random(seed)
    pairs = []
    for i in range(n):
        q, nxt = rng.sample(questions, 2)
        answer = f"{ANSWER} (candidate {i})"  # each answer new, as a real one is
        exchanges = [Exchange(prompt=q.text, answer=answer)]
        grade = GradeRequest.for_question(q, library.rubric_for(q), exchanges,
                                          f"iv{i}", "senior", library.levels["senior"].bar)
        ask = TurnRequest(interview_id=f"iv{i}", kind="question", question=nxt,
                          rubric=library.rubric_for(nxt), seed_text=nxt.text,
                          exchanges=exchanges, number=2, total=2)
        pairs.append((grade, ask))
    return pairs


async def _turn(model: LLMModel, grade: GradeRequest, ask: TurnRequest) -> None:
    result = await model.grade(grade)
    assert not result.notes or "offline grader" not in result.notes[0], result.notes
    assert "".join([piece async for piece in model.phrase(ask)]).strip()


async def _run(model: LLMModel, pairs: list[tuple[GradeRequest, TurnRequest]],
               concurrency: int) -> None:
    gate = asyncio.Semaphore(concurrency)

    async def one(grade: GradeRequest, ask: TurnRequest) -> None:
        async with gate:
            await _turn(model, grade, ask)

    await asyncio.gather(*(one(g, a) for g, a in pairs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--turns", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    fake, base_url = _start_fake(0.0)
    try:
        settings = Settings(_env_file=None, OPENAI_API_KEY="bench-key", OPENAI_BASE_URL=base_url,
                            INTERVIEWER_MAX_RETRIES="0")
        model = LLMModel("fake-gpt", settings)
        warm = _requests(20, args.seed + 1)
        pairs = _requests(args.turns, args.seed)

        async def both() -> tuple[float, float]:
            await _run(model, warm, args.concurrency)  # tokenizer, templates, connections
            cpu, wall = time.process_time(), time.perf_counter()
            await _run(model, pairs, args.concurrency)
            return time.process_time() - cpu, time.perf_counter() - wall

        cpu, wall = asyncio.run(both())
    finally:
        fake.kill()
        fake.wait()
    print("| turns | concurrency | CPU ms/turn | wall s |")
    print("|---|---|---|---|")
    print(f"| {args.turns} | {args.concurrency} | {cpu * 1000 / args.turns:.2f} | {wall:.1f} |")


if __name__ == "__main__":
    main()
