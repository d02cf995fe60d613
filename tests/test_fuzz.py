"""Schemathesis fuzzes the app against its own OpenAPI schema: no 5xx, no schema violations."""

from __future__ import annotations

import os
import tempfile

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from interviewer.settings import Settings
from interviewer.web.app import create_app

_db = tempfile.NamedTemporaryFile(suffix=".db", delete=False)  # noqa: SIM115 - lives for the run
app = create_app(Settings(_env_file=None, INTERVIEWER_DB=_db.name, INTERVIEWER_MODEL="offline",
                          INTERVIEWER_RATE_LIMIT=10_000))
schema = schemathesis.openapi.from_asgi("/openapi.json", app)
# `make fuzz` runs 200 examples an operation; the suite runs fewer to stay quick
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_api_has_no_server_errors_and_matches_its_schema(case) -> None:
    # Every check, "positive data acceptance" included: input the schema allows is never a
    # 422 (an unknown question id is 404, a reused Idempotency-Key 409)
    case.call_and_validate()


@schema.include(path_regex="interview_id").parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_routes_of_a_real_interview_survive_fuzzed_input(case) -> None:
    # Random ids only ever reach the 404 branch; a real interview reaches the rest.
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        created = client.post("/api/interviews", json={"questions": 8})
    case.path_parameters = {"interview_id": created.json()["id"]}
    # The one exclusion: a schema cannot say that a file must decode as audio, and random
    # bytes never do, so a spoken answer's fuzzed file is rightly a 422 (the turn and the
    # other fields are still checked; tests/test_speech_api.py checks undecodable audio)
    audio = case.path.endswith("/answers/audio")
    case.call_and_validate(excluded_checks=[checks.positive_data_acceptance] if audio else None)
