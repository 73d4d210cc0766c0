"""The services tier: use cases against a real SQLite unit of work, no HTTP and no app.

Each test gets a fresh migrated SQLite file (a copy of the session's template) and the small
county of ``tests.builders.build_world``, written through the services themselves. HTTP tests
(``tests/e2e``) keep the contract, the scopes and bad input; rules that need a database but no
request are cheaper here."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from domain.schemes import services as schemes
from domain.schemes.model import SchemeCode
from persistence.engine import make_engine, make_session_factory
from persistence.unit_of_work import SqlAlchemyUnitOfWork
from tests.builders import AT, ROOT, County, build_county
from tests.conftest import fresh_database


@pytest.fixture
def sessions(_template: str, tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(fresh_database(_template, tmp_path / "services.db"))
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def uow(sessions: sessionmaker[Session]) -> SqlAlchemyUnitOfWork:
    return SqlAlchemyUnitOfWork(sessions)


@pytest.fixture
def county(sessions: sessionmaker[Session]) -> County:
    """``tests.builders.build_county`` under 1+6+N."""
    built = build_county(sessions)
    schemes.bind(
        SqlAlchemyUnitOfWork(sessions),
        ROOT,
        built.org["C"],
        scheme=SchemeCode.ONE_SIX_N,
        overrides={},
        at=AT,
    )
    return built
