"""Fixtures shared by every tier.

Database tests run on a fresh SQLite file by default; with ``LIANHU_TEST_DATABASE_URL`` set (CI sets
it to PostgreSQL) the same tests run there. Tests under ``integration/`` and ``e2e/`` are marked
``db``. The schema is built once by Alembic, never by ``create_all``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import make_url, text

from api.main import create_app
from api.settings import Settings
from persistence.engine import make_engine
from persistence.migrations import upgrade
from persistence.schema import metadata
from tests.builders import World, build_world

PG_URL = os.environ.get("LIANHU_TEST_DATABASE_URL")


def worker_database_url(base: str) -> str:
    """The PostgreSQL database of this test process: ``base`` itself, or under pytest-xdist
    (``make test`` runs the suite on every core) a database of the worker's own beside it,
    ``test_gw0`` …, created on first use — workers empty their database before each test, so
    they must never share one."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return base
    url = make_url(base)
    name = f"{url.database}_{worker}"
    engine = make_engine(base, one_off=True)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


# Modules that serve the app in processes of its own (races, outages, workers): seconds a test.
SLOW_MODULES = frozenset(
    {"test_races.py", "test_database_outage.py", "test_workers.py", "test_visits_together.py"}
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        parts = Path(str(item.fspath)).parts
        if "integration" in parts or "e2e" in parts:
            item.add_marker(pytest.mark.db)
        if "browser" in parts or parts[-1] in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)


class Clock:
    """A clock the tests move by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


@pytest.fixture(scope="session")
def _template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated database: a SQLite template file, or the PostgreSQL database reset once."""
    if PG_URL:
        url = worker_database_url(PG_URL)
        engine = make_engine(url, one_off=True)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        upgrade(url)
        return url
    path = tmp_path_factory.mktemp("db") / "template.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    return str(path)


def fresh_database(template: str, target: Path) -> str:
    """An empty migrated database: the PostgreSQL database ``template`` emptied, or a copy of the
    SQLite template file."""
    if PG_URL:
        engine = make_engine(template, one_off=True)
        tables = ", ".join(t.name for t in metadata.sorted_tables)
        with engine.begin() as conn:
            # TRUNCATE does not fire the audit log's row triggers (append-only for everyone else).
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        engine.dispose()
        return template
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def db_url(_template: str, tmp_path: Path) -> str:
    return fresh_database(_template, tmp_path / "lianhu.db")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=db_url,
        env="test",
        max_upload_mb=2,
        photo_max_mb=1,
        media_dir=str(tmp_path / "media"),
        log_level="warning",
    )


@pytest.fixture
def app(settings: Settings, clock: Clock) -> Iterator[FastAPI]:
    application = create_app(settings, clock=clock)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


@pytest.fixture
def world(app: FastAPI) -> World:
    return build_world(app)
