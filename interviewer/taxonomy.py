"""The fixed vocabulary of areas, topics, question kinds and difficulties."""

from __future__ import annotations

from typing import Literal, get_args

Area = Literal[
    "api-products",
    "internal-dev-platforms",
    "data-platforms",
    "ml-ai-platforms",
    "identity-auth",
]
Topic = Literal[
    "api-design",
    "versioning",
    "rate-limiting",
    "observability",
    "system-architecture",
    "developers-as-customers",
    "trade-offs",
    "success-metrics",
    "platform-strategy",
]
Kind = Literal["scenario", "design", "behavioural"]
Level = Literal["pm", "senior", "staff"]
# What a question's answer is about, so a rubric bar that names an HTTP or batch-only
# mechanism is never applied to a question where that mechanism cannot exist.
Medium = Literal["http", "events", "batch", "config", "library", "model", "org"]
Flavour = Literal["payments", "messaging", "devtools", "identity", "data"]
Format = Literal["spec-critique", "pricing", "estimation", "metric-drop", "staged"]

AREAS: tuple[str, ...] = get_args(Area)
TOPICS: tuple[str, ...] = get_args(Topic)
KINDS: tuple[str, ...] = get_args(Kind)
LEVELS: tuple[str, ...] = get_args(Level)
MEDIA: tuple[str, ...] = get_args(Medium)
FLAVOURS: tuple[str, ...] = get_args(Flavour)
FORMATS: tuple[str, ...] = get_args(Format)

AREA_NAMES = {
    "api-products": "API products",
    "internal-dev-platforms": "Internal developer platforms",
    "data-platforms": "Data platforms",
    "ml-ai-platforms": "ML / AI platforms",
    "identity-auth": "Identity and auth",
}
TOPIC_NAMES = {
    "api-design": "API design",
    "versioning": "Versioning",
    "rate-limiting": "Rate limiting",
    "observability": "Observability",
    "system-architecture": "System architecture",
    "developers-as-customers": "Developers as customers",
    "trade-offs": "Trade-offs",
    "success-metrics": "Success metrics",
    "platform-strategy": "Platform strategy",
}

TARGET_NAMES = {"pm": "PM", "senior": "Senior PM", "staff": "Staff PM"}

LEVEL_NAMES = {1: "No hire", 2: "Lean no hire", 3: "Hire", 4: "Strong hire"}
