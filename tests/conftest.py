from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from interviewer.library import Library, default_library, load_library
from interviewer.models.registry import ModelRegistry
from interviewer.service import Interviews
from interviewer.settings import Settings, get_settings
from interviewer.storage import Store
from interviewer.web.app import create_app
from tests.backends import backend_target
from tests.fakes import FakeModel
from tests.forms import sign_up

CRITERION = """\
      - id: {id}
        name: {name}
        weight: {weight}
        description: Judges {name}.
        evidence: Sentences about {name}.
        tip: Practise {name}.
        levels: {{1: absent, 2: vague, 3: solid, 4: deep}}
        concepts: []
"""


def _rubric(topic: str, ids: list[str]) -> str:
    body = "".join(CRITERION.format(id=i, name=i.replace("-", " "), weight=0.5) for i in ids)
    return f"topic: {topic}\nname: {topic}\nsummary: Tests {topic}.\ncriteria:\n{body}"


def _question(qid: str, topic: str, criteria: list[str]) -> str:
    return textwrap.dedent(f"""\
      - id: {qid}
        topic: {topic}
        kind: design
        level: senior
        medium: http
        text: Design something for question {qid} please, with care.
        follow_ups:
          - {{criterion: {criteria[0]}, text: "Probe {criteria[0]} on {qid}?"}}
          - {{criterion: {criteria[1]}, text: "Probe {criteria[1]} on {qid}?"}}
        facts:
          - {{ask: [budget, cost], fact: "The budget for {qid} is 10,000 dollars a month."}}
        strong_answer: [one, two, three]
        strong_hire: [four]
        weak_answers: [zero]
        red_flags:
          - id: {qid}-harm
            name: Harms question {qid}'s users
            what: Proposes the one harm this test question has.
            criterion: {criteria[0]}
            cap: 2
            why: It hurts the people who use question {qid}'s platform.
            cues: ["do the harm of {qid}"]
    """)


def write_mini_library(root: Path) -> Path:
    """A small but complete library: every topic has a two-criterion rubric."""
    from interviewer.taxonomy import AREAS, TOPICS

    (root / "rubrics").mkdir(parents=True)
    (root / "prompts" / "questions").mkdir(parents=True)
    for topic in TOPICS:
        ids = [f"{topic}-depth", f"{topic}-breadth"]
        (root / "rubrics" / f"{topic}.yaml").write_text(_rubric(topic, ids))
    for a_index, area in enumerate(AREAS):
        items = "".join(
            textwrap.indent(_question(f"q{a_index}-{t_index}", topic,
                                      [f"{topic}-depth", f"{topic}-breadth"]), "  ")
            for t_index, topic in enumerate(TOPICS[:4]))
        (root / "prompts" / "questions" / f"{area}.yaml").write_text(
            f"area: {area}\nquestions:\n{items}")
    return root


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "INTERVIEWER_MODEL", "INTERVIEWER_DB",
                 "INTERVIEWER_AUTH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env file is read
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at production cost takes ~0.5 s of a loaded CI core per sign-in; the tests
    check behaviour, not hardness (test_identity checks the production parameters)."""
    from argon2 import PasswordHasher

    from interviewer.identity import credentials

    monkeypatch.setattr(credentials, "_hasher",
                        PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def mini_library(tmp_path: Path) -> Library:
    return load_library(write_mini_library(tmp_path / "lib"))


@pytest.fixture
def fake_model() -> FakeModel:
    return FakeModel()


@pytest.fixture
def plain_draws(monkeypatch: pytest.MonkeyPatch) -> None:
    """Questions drawn at random, never a staged case, whose twist would add a turn: for
    tests that count turns (tests/plans.py says why)."""
    from interviewer import engine
    from tests.plans import without_staged_cases

    monkeypatch.setattr(engine, "plan_interview", without_staged_cases(engine.plan_interview))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "both_backends: run each test on SQLite and on "
                                       "PostgreSQL (INTERVIEWER_TEST_PG; tests/backends.py)")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests marked `both_backends` that use the database run once per backend."""
    if "backend" in metafunc.fixturenames:
        both = metafunc.definition.get_closest_marker("both_backends") is not None
        metafunc.parametrize("backend", ["sqlite", "postgresql"] if both else ["sqlite"],
                             indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """INTERVIEWER_DB for this test: a fresh SQLite file or a fresh PostgreSQL database."""
    with backend_target(request.param, tmp_path) as target:
        yield target


@pytest.fixture
def settings(backend: str) -> Settings:
    return Settings(_env_file=None, INTERVIEWER_DB=backend)


class Registry(ModelRegistry):
    """The real registry, with the fake model available as `fake`."""

    def __init__(self, settings: Settings, fake: FakeModel):
        super().__init__(settings)
        self._models["fake"] = fake


def make_service(settings: Settings, library: Library, fake: FakeModel) -> Interviews:
    return Interviews(Store(settings.db_target()), library, Registry(settings, fake),
                      settings.max_answer_chars)


@pytest.fixture
def mini_service(settings: Settings, mini_library: Library, fake_model: FakeModel) -> Interviews:
    return make_service(settings, mini_library, fake_model)


@pytest.fixture
def client(settings: Settings, fake_model: FakeModel) -> Iterator[TestClient]:
    """The app over the real library, a temporary database, and the fake model as `fake`."""
    from interviewer.library import default_library

    service = make_service(settings, default_library(), fake_model)
    with TestClient(create_app(settings, service)) as test_client:
        yield test_client


@pytest.fixture
def accounts_app(settings: Settings, fake_model: FakeModel) -> FastAPI:
    """The app with accounts on (INTERVIEWER_AUTH=accounts) over the real library."""
    accounts = settings.model_copy(update={"auth": "accounts"})
    return create_app(accounts, make_service(accounts, default_library(), fake_model))


@pytest.fixture
def alice(accounts_app: FastAPI) -> Iterator[TestClient]:
    """A browser signed up as `alice` on `accounts_app`."""
    with TestClient(accounts_app) as client:
        sign_up(client, "alice")
        yield client


@pytest.fixture
def bob(accounts_app: FastAPI) -> Iterator[TestClient]:
    """A second browser, signed up as `bob`, on the same app as `alice`."""
    with TestClient(accounts_app) as client:
        sign_up(client, "bob")
        yield client


@pytest.fixture
def browser():
    """A headless Chromium for the browser tests (tests/browser_steps.py drives its pages);
    a missing Chromium fails the test, never skips it."""
    from playwright.sync_api import sync_playwright

    from tests.chromium import FLAGS, require_chromium

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=require_chromium(), args=FLAGS)
        yield launched
        launched.close()
