"""Engines: a SQLite file by default, PostgreSQL (psycopg 3) in production."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import Engine, NullPool, create_engine, event, exc
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer (several workers)
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(
    url: str, *, echo: bool = False, one_off: bool = False, pool_size: int = 20
) -> Engine:
    """An engine for the app (pooled) or for a one-off job such as a migration (``one_off``).

    ``pool_size`` connections stay open; the app runs as many worker threads (api.lifespan), so
    a request never waits for a connection nor makes one: past the pool, a connection was
    opened and closed per request, and a new PostgreSQL backend costs more than the request."""
    parsed = make_url(url)
    extra: dict[str, Any] = {"poolclass": NullPool} if one_off else {}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False}, **extra)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if one_off:
        return create_engine(url, echo=echo, **extra)
    # No server-side prepared statements: a generic plan cannot see which part of the tree a
    # path range covers, and would scan a city's households to fill one village's page.
    return create_engine(
        url,
        echo=echo,
        pool_size=pool_size,
        max_overflow=pool_size // 2,  # other threads than the workers' (a CLI job, a probe)
        pool_pre_ping=True,
        connect_args={"prepare_threshold": None},
    )


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


# SQLSTATE classes of a database that cannot serve now, whatever the statement: 08 connection
# exception, 53 insufficient resources (too many connections), 57 operator intervention (an
# administrator's shutdown or pg_terminate_backend, a crash, "the database system is starting up").
_UNAVAILABLE_SQLSTATE_CLASSES = frozenset({"08", "53", "57"})
# SQLite's own: another process holds the write lock past busy_timeout, the file is unreachable.
_SQLITE_UNAVAILABLE = ("database is locked", "unable to open database file", "disk I/O error")


def database_unavailable(error: BaseException | None) -> bool:
    """Whether ``error`` says the database cannot be reached now (down, restarting, its
    connection dropped, the pool exhausted): the same request may succeed later. A statement the
    database refuses (a missing table, a constraint, bad SQL) is a bug, not an outage: False."""
    if isinstance(error, exc.DisconnectionError | exc.TimeoutError):
        return True  # the pool's: a connection that failed its ping, or none free in time
    if isinstance(error, exc.DBAPIError):
        if error.connection_invalidated:
            return True
        error = error.orig
    if isinstance(error, psycopg.OperationalError):
        # No SQLSTATE: the client library's own failure (refused, closed, reset, timed out).
        state = error.sqlstate
        return state is None or state[:2] in _UNAVAILABLE_SQLSTATE_CLASSES
    if isinstance(error, sqlite3.OperationalError):
        return any(message in str(error) for message in _SQLITE_UNAVAILABLE)
    return False
