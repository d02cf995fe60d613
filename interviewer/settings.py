"""Settings from environment variables and an optional `.env` file."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
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
    context_tokens: int = Field(default=16_000, alias="INTERVIEWER_CONTEXT_TOKENS", ge=1000)
    interview_token_cap: int = Field(default=200_000, alias="INTERVIEWER_TOKEN_CAP", ge=1000)
    rate_limit_per_minute: int = Field(default=30, alias="INTERVIEWER_RATE_LIMIT", ge=1)
    lease_seconds: float = Field(default=30.0, alias="INTERVIEWER_LEASE_SECONDS", gt=0)
    secret_key: SecretStr | None = Field(default=None, alias="INTERVIEWER_SECRET_KEY")
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
