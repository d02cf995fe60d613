"""Measure the LLM grader without network: record its grading requests, have a stand-in
model answer them offline, then replay those replies through the app's real model client.

    # 1. record the requests the grader sends for a labelled set (a loopback server answers
    #    each with a placeholder grade; only the requests are kept)
    python calibration/replay.py record calibration/blind-tuning.jsonl requests.jsonl
    # 2. a stand-in model writes one reply per request: {"key": ..., "content": "<JSON>"}
    # 3. replay: the real LLMModel (openai SDK, quote checks, caps, red flags) grades the set
    #    against a loopback server that serves the recorded replies; --fit learns the map
    python calibration/replay.py run calibration/blind-tuning.jsonl replies.jsonl --fit

A request's key is the SHA-256 of the answer text inside its delimiters (the delimiter tag
is random per request) and of the question, so a reply finds its request on any run. A
request with no reply gets a 500, so the grader falls back offline, and the report counts it.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from interviewer import calibration  # noqa: E402
from interviewer.models.registry import ModelRegistry  # noqa: E402
from interviewer.settings import Settings  # noqa: E402
from tests.openai_server import FakeOpenAI, Reply, answer_in, auto_reply  # noqa: E402

STAND_IN = "stand-in"


QUESTION = re.compile(r"^The question \(.*?\):\n(.+?)$", re.MULTILINE)


def request_key(request: dict) -> str:
    """Stable across runs and rubric edits: the graded answer and the question asked."""
    found = QUESTION.search(request["messages"][0]["content"])
    question = found.group(1) if found else request["messages"][0]["content"]
    return hashlib.sha256((answer_in(request) + "\x00" + question).encode()).hexdigest()[:24]


def _settings(base_url: str, maps: Path | None) -> Settings:
    env = {"OPENAI_BASE_URL": base_url, "OPENAI_API_KEY": "replay", "INTERVIEWER_MAX_RETRIES": "0",
           "INTERVIEWER_REQUEST_TIMEOUT": "120"}
    if maps is not None:
        env["INTERVIEWER_SCORE_MAPS"] = str(maps)
    return Settings(_env_file=None, **env)


async def _calibrate(set_path: Path, server: FakeOpenAI, model: str, maps: Path | None,
                     raw: bool = False):
    items = calibration.load_set(set_path)
    chosen = ModelRegistry(_settings(server.base_url, maps))(model)
    if raw:
        chosen.score_map = None  # fitting: the model's own scores, not an earlier map's
    return items, chosen, await calibration.run_calibration(chosen, items)


def record(set_path: Path, out: Path, model: str) -> None:
    kept: dict[str, dict] = {}

    def responder(request: dict) -> Reply:
        if not request.get("stream"):
            kept[request_key(request)] = {"key": request_key(request),
                                          "messages": request["messages"],
                                          "response_format": request.get("response_format")}
        return auto_reply(request)

    server = FakeOpenAI(responder).start()
    try:
        asyncio.run(_calibrate(set_path, server, model, out.with_suffix(".no-maps"), raw=True))
    finally:
        server.stop()
    with out.open("w", encoding="utf-8") as fh:
        for row in kept.values():
            fh.write(json.dumps(row) + "\n")
    print(f"{len(kept)} grading requests for {set_path.name} written to {out}")


def _schema_lines(request: dict) -> list[str]:
    """The reply schema a server enforces for structured output (json_schema): a stand-in
    must see it, or it guesses the shape and every reply fails validation."""
    fmt = request.get("response_format") or {}
    if fmt.get("type") != "json_schema":
        return []
    schema = json.dumps(fmt["json_schema"]["schema"], indent=1)
    return ["## REPLY SCHEMA (the server makes every reply in this group a JSON object that "
            "validates against it)", "", "```json", schema, "```", ""]


def bundle(requests_path: Path, out: Path, parts: int) -> None:
    """Split recorded requests into `parts` files for stand-in models, grouped by question so
    each system prompt (rubric, outline, anchors) is written once, followed by each answer's
    request message and its key."""
    rows = [json.loads(line) for line in requests_path.read_text("utf-8").splitlines() if line]
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(row["messages"][0]["content"], []).append(row)
    ordered = sorted(groups.items(), key=lambda kv: -len(kv[1]))
    shares: list[list[tuple[str, list[dict]]]] = [[] for _ in range(parts)]
    for group in ordered:
        min(shares, key=lambda share: sum(len(g[1]) for g in share)).append(group)
    out.mkdir(parents=True, exist_ok=True)
    for n, share in enumerate(shares, start=1):
        lines = []
        for q, (system, reqs) in enumerate(share, start=1):
            lines += [f"# Question group {q}", "", "## SYSTEM MESSAGE (same for every request "
                      "in this group)", "", system, "", *_schema_lines(reqs[0])]
            for r in reqs:
                fmt = (r.get("response_format") or {}).get("type", "none")
                lines += [f"## REQUEST key={r['key']} (response_format: {fmt})", "",
                          r["messages"][-1]["content"], ""]
        (out / f"part-{n}.md").write_text("\n".join(lines), encoding="utf-8")
        print(f"part-{n}.md: {sum(len(g[1]) for g in share)} requests")


def load_replies(path: Path) -> dict[str, str]:
    replies = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            content = row["content"]
            replies[row["key"]] = content if isinstance(content, str) else json.dumps(content)
    return replies


def replay_server(replies: dict[str, str], missing: list[str]) -> FakeOpenAI:
    """A loopback server that answers each grading request with its recorded reply."""

    def responder(request: dict) -> Reply:
        key = request_key(request)
        if key not in replies:
            missing.append(key)
            return Reply.error(500, "no recorded reply for this request")
        return Reply.text(replies[key], prompt=3000, completion=600)

    return FakeOpenAI(responder).start()


def run(set_path: Path, replies_path: Path, model: str, fit: bool, out: Path) -> None:
    missing: list[str] = []
    server = replay_server(load_replies(replies_path), missing)
    maps = out / "score-maps.json"
    try:
        items, _, report = asyncio.run(_calibrate(set_path, server, model, maps, raw=fit))
    finally:
        server.stop()
    out.mkdir(parents=True, exist_ok=True)
    if fit:
        from interviewer.calibration_fit import before_after, fit_map, with_map
        from interviewer.llm.score_map import save_map

        score_map = fit_map(report, model, set_path)
        save_map(maps, score_map)
        after = with_map(report, items, score_map)
        print(before_after(report, after))
        report = after
    (out / f"replay-{set_path.stem}.md").write_text(report.to_markdown(), encoding="utf-8")
    print(report.to_markdown().split("## Agreement per criterion")[0])
    print(f"{len(missing)} request(s) had no recorded reply and were graded by the fallback.")


def main() -> None:
    parser = argparse.ArgumentParser(description="Record and replay LLM grading requests.")
    sub = parser.add_subparsers(dest="command", required=True)
    rec = sub.add_parser("record")
    rec.add_argument("set", type=Path)
    rec.add_argument("out", type=Path)
    rep = sub.add_parser("run")
    rep.add_argument("set", type=Path)
    rep.add_argument("replies", type=Path)
    rep.add_argument("--fit", action="store_true", help="fit and store the score map (tuning)")
    rep.add_argument("--out", type=Path, default=Path("reports"))
    bun = sub.add_parser("bundle")
    bun.add_argument("requests", type=Path)
    bun.add_argument("out", type=Path)
    bun.add_argument("--parts", type=int, default=4)
    for p in (rec, rep):
        p.add_argument("--model", default=os.environ.get("INTERVIEWER_MODEL", STAND_IN))
    args = parser.parse_args()
    if args.command == "record":
        record(args.set, args.out, args.model)
    elif args.command == "bundle":
        bundle(args.requests, args.out, args.parts)
    else:
        run(args.set, args.replies, args.model, args.fit, args.out)


if __name__ == "__main__":
    main()
