"""Writing many rows at once, in the session's transaction: COPY on PostgreSQL, the sqlite3
connection's executemany on SQLite. Shared by the bulk paths of every feature (an import's
households, a city's assignment pairs, a group commit's outbox and audit rows)."""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any

import orjson
from psycopg.copy import QueuedLibpqWriter
from sqlalchemy import text
from sqlalchemy.orm import Session

# From this many rows on, a write is worth ``insert_rows`` (COPY on PostgreSQL); below it, one
# INSERT is a round trip less than a COPY.
BULK_ROWS = 50


def json_text(value: object) -> str | None:
    """A JSON column's value as the text the database parses (SQL NULL for None). orjson: the
    outbox and the audit trail write a JSON text per event, tens of thousands in a sweep, and
    it encodes them about ten times faster than ``json``; what it refuses (an integer beyond
    64 bits) the standard library still writes."""
    if value is None:
        return None
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:
        return json.dumps(value, ensure_ascii=False)


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


_CHUNK = 10_000


def copy_csv(
    session: Session,
    table: str,
    cols: Sequence[str],
    rows: Iterator[tuple[Any, ...]],
    *,
    empty_not_null: Sequence[str] = (),
) -> None:
    """COPY rows as CSV text in large chunks: PostgreSQL parses while Python produces the next
    chunk. ``None`` becomes an unquoted empty field, which CSV COPY reads as NULL."""
    conn = session.connection().connection.driver_connection
    assert conn is not None
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    options = "FORMAT csv"
    if empty_not_null:  # columns where an empty field is an empty string, not NULL
        options += f", FORCE_NOT_NULL ({','.join(empty_not_null)})"
    statement = f"COPY {table} ({','.join(cols)}) FROM STDIN WITH ({options})"
    chunk = list(itertools.islice(rows, _CHUNK))
    # The queued writer sends from a thread of its own, so the server inserts one chunk
    # while Python validates and formats the next: the two cores work at once. Rows that fit
    # in one chunk (a group commit's outbox) are not worth a thread.
    queued = QueuedLibpqWriter if len(chunk) == _CHUNK else None
    with conn.cursor() as cur, cur.copy(statement, writer=queued and queued(cur)) as copy:
        while chunk:
            writer.writerows(chunk)
            copy.write(buffer.getvalue())
            buffer.seek(0)
            buffer.truncate()
            chunk = list(itertools.islice(rows, _CHUNK))


def update_from(
    session: Session,
    table: str,
    cols: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    *,
    empty_not_null: Sequence[str] = (),
) -> None:
    """Update many rows by id in one statement, through a staging table filled by COPY."""
    if not rows:
        return
    stage = f"stage_{table}"
    session.execute(
        text(
            f"CREATE TEMP TABLE {stage} ON COMMIT DROP AS "
            f"SELECT {','.join(cols)} FROM {table} WITH NO DATA"
        )
    )
    copy_csv(session, stage, cols, iter(rows), empty_not_null=empty_not_null)
    sets = ", ".join(f"{c} = s.{c}" for c in cols if c != "id")
    session.execute(
        text(
            f"UPDATE {table} t SET {sets}, version = t.version + 1 FROM {stage} s WHERE t.id = s.id"
        )
    )


def sqlite_connection(session: Session) -> Any:
    """The sqlite3 connection under the session, inside the session's transaction."""
    conn = session.connection().connection.driver_connection
    assert conn is not None
    return conn


def sqlite_time(at: datetime) -> str:
    """SQLAlchemy's storage format for DateTime on SQLite (naive UTC)."""
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def sqlite_dates(values: tuple[Any, ...]) -> tuple[Any, ...]:
    """Dates and times as SQLAlchemy stores them on SQLite (sqlite3's adapters are deprecated)."""
    return tuple(
        sqlite_time(v) if isinstance(v, datetime) else v.isoformat() if isinstance(v, date) else v
        for v in values
    )


def insert_rows(
    session: Session,
    table: str,
    cols: Sequence[str],
    rows: Iterable[tuple[Any, ...]],
    *,
    empty_not_null: Sequence[str] = (),
) -> None:
    """Insert many rows in the session's transaction: COPY on PostgreSQL, executemany on
    SQLite. Values are plain (str, int, float, date, None); empty strings in ``empty_not_null``
    columns stay empty strings."""
    if is_postgres(session):
        copy_csv(session, table, cols, iter(rows), empty_not_null=empty_not_null)
        return
    marks = ",".join("?" * len(cols))
    sqlite_connection(session).executemany(
        f"INSERT INTO {table} ({','.join(cols)}) VALUES ({marks})",
        (sqlite_dates(r) for r in rows),
    )
