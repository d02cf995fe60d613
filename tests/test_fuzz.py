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
CHECKS = [checks.not_a_server_error, checks.status_code_conformance,
          checks.content_type_conformance, checks.response_schema_conformance]


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_api_has_no_server_errors_and_matches_its_schema(case) -> None:
    # Schema-valid but meaningless requests (an unknown question id, an area drill with no
    # area) are rightly refused with 422, so "positive data acceptance" is not checked.
    case.call_and_validate(checks=CHECKS)


@schema.include(path_regex="interview_id").parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_routes_of_a_real_interview_survive_fuzzed_input(case) -> None:
    # Random ids only ever reach the 404 branch; a real interview reaches the rest.
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        created = client.post("/api/interviews", json={"questions": 8})
    case.path_parameters = {"interview_id": created.json()["id"]}
    case.call_and_validate(checks=CHECKS)
