"""Settings from environment variables and an optional `.env` file."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    openai_api_key: SecretStr | None = Field(default=None, alias="OPENAI_API_KEY")
    openai_base_url: str | None = Field(default=None, alias="OPENAI_BASE_URL")
    model: str | None = Field(default=None, alias="INTERVIEWER_MODEL")
    db: str = Field(default="interviewer.db", alias="INTERVIEWER_DB")
    max_answer_chars: int = Field(default=20_000, alias="INTERVIEWER_MAX_ANSWER_CHARS", ge=100)
    request_timeout: float = Field(default=60.0, alias="INTERVIEWER_REQUEST_TIMEOUT", gt=0)
    max_retries: int = Field(default=3, alias="INTERVIEWER_MAX_RETRIES", ge=0)
    # model requests one process has open at once; more wait (within their deadline) for a
    # connection. Each app request holds at most one model call, so the wait is bounded by
    # the requests in flight. 500: aiohttp's default of 100 capped one worker near 70-120
    # turns/s against a 300 ms model (bursts of 200 answers queued ~0.5 s for a connection);
    # 500 covers 150 turns/s at ~1.4 calls a turn while calls average up to ~2.4 s, as hosted
    # models' grades do, and leaves most of a 1,024 open-files limit to the candidates. Set it
    # to a provider's concurrency quota, or a local server's slots if it refuses extra calls.
    model_connections: int = Field(default=500, alias="INTERVIEWER_MODEL_CONNECTIONS",
                                   ge=1, le=100_000)
    context_tokens: int = Field(default=16_000, alias="INTERVIEWER_CONTEXT_TOKENS", ge=1000)
    interview_token_cap: int = Field(default=200_000, alias="INTERVIEWER_TOKEN_CAP", ge=1000)
    rate_limit_per_minute: int = Field(default=30, alias="INTERVIEWER_RATE_LIMIT", ge=1)
    transcription: Literal["local", "openai"] = Field(default="local",
                                                      alias="INTERVIEWER_TRANSCRIPTION")
    transcription_model: str = Field(default="whisper-1", alias="INTERVIEWER_TRANSCRIPTION_MODEL")
    whisper_model: Path | None = Field(default=None, alias="INTERVIEWER_WHISPER_MODEL")
    max_audio_mb: int = Field(default=25, alias="INTERVIEWER_MAX_AUDIO_MB", ge=1, le=500)
    max_audio_seconds: int = Field(default=600, alias="INTERVIEWER_MAX_AUDIO_SECONDS", ge=5)
    lease_seconds: float = Field(default=30.0, alias="INTERVIEWER_LEASE_SECONDS", gt=0)
    # how long a stored reply to an Idempotency-Key is replayed before the key is forgotten
    idempotency_hours: float = Field(default=24.0, alias="INTERVIEWER_IDEMPOTENCY_HOURS", gt=0)
    secret_key: SecretStr | None = Field(default=None, alias="INTERVIEWER_SECRET_KEY")
    # per-model maps from raw grader scores to the labelled scale (calibrate --fit writes it)
    score_maps: Path = Field(default=Path("score-maps.json"), alias="INTERVIEWER_SCORE_MAPS")
    # self-consistency: grade this many times and keep the median per criterion (LLM only)
    grade_samples: int = Field(default=1, alias="INTERVIEWER_GRADE_SAMPLES", ge=1, le=9)
    # offline grading runs in worker processes, leaving a core to the server by default
    grade_workers: int = Field(default_factory=lambda: max(1, (os.cpu_count() or 2) - 1),
                               alias="INTERVIEWER_GRADE_WORKERS", ge=1, le=64)
    grade_budget: float = Field(default=10.0, alias="INTERVIEWER_GRADE_BUDGET", gt=0)

    trusted_proxies: str = Field(default="", alias="INTERVIEWER_TRUSTED_PROXIES")
    # how long `serve` keeps an idle connection open: longer than any client or proxy keeps
    # one (uvicorn's 5 s lost requests to clients that reused a connection just as it closed)
    keep_alive_seconds: int = Field(default=75, alias="INTERVIEWER_KEEP_ALIVE_SECONDS", ge=1)
    # a Server-Timing header with the app's own time and its wait on the model (bench/load.py)
    server_timing: bool = Field(default=False, alias="INTERVIEWER_SERVER_TIMING")

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_are_addresses(cls, value: str) -> str:
        from interviewer.web.proxies import parse_trusted

        return ",".join(parse_trusted(value))
    auth: Literal["auto", "local", "accounts"] = Field(default="auto", alias="INTERVIEWER_AUTH")

    @property
    def has_api_key(self) -> bool:
        return bool(self.openai_api_key and self.openai_api_key.get_secret_value())

    @property
    def uses_postgres(self) -> bool:
        return self.db.startswith(("postgresql://", "postgres://"))

    def db_path(self) -> Path:
        """The SQLite file: a plain path or a `sqlite:///` URL."""
        value = self.db
        if value.startswith("sqlite:///"):
            value = value[len("sqlite:///"):]
        elif "://" in value:
            raise ValueError(f"INTERVIEWER_DB: {value.split(':')[0]} is not a SQLite file")
        return Path(value).expanduser()

    def db_target(self) -> str | Path:
        """What `Store` opens: a PostgreSQL URL as given, else the SQLite file."""
        return self.db if self.uses_postgres else self.db_path()


@cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
