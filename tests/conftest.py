"""Fixtures shared by every tier.

Database tests run on a fresh SQLite file by default; with ``LIANHU_TEST_DATABASE_URL`` set (CI sets
it to PostgreSQL) the same tests run there. Tests under ``integration/`` and ``e2e/`` are marked
``db``. The schema is built once by Alembic, never by ``create_all``.
"""

from __future__ import annotations

import hashlib
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
    ``test_3f9a1c_gw0`` …, created on first use — workers empty their database before each
    test, so they must never share one; nor must two checkouts tested at once on one machine
    (the name carries the checkout's)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return base
    url = make_url(base)
    checkout = hashlib.sha1(str(Path(__file__).resolve().parent).encode()).hexdigest()[:6]
    name = f"{url.database}_{checkout}_{worker}"
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
        with engine.begin() as conn:
            # DELETE, not TRUNCATE: TRUNCATE makes every table's files anew (about a second for
            # the schema, before each of the ~1,000 database tests); a DELETE of a test's few
            # rows takes milliseconds. As a replica the session fires no triggers: neither the
            # append-only ones of the audit log and outbox nor the foreign keys' (the order of
            # the deletes does not matter, and nothing is left that refers to anything).
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            conn.execute(text("; ".join(f"DELETE FROM {t.name}" for t in metadata.sorted_tables)))
            conn.execute(
                text(
                    "SELECT setval(c.oid, 1, false) FROM pg_class c "
                    "WHERE c.relkind = 'S' AND c.relnamespace = 'public'::regnamespace"
                )
            )
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
        sweep_minutes=0,  # a test sweeps when it means to, at its own clock's time
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
