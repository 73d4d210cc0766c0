"""INSERT … ON CONFLICT DO NOTHING on either database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import InstrumentedAttribute


def insert_or_skip(connection: Connection, table: Any, *unique: InstrumentedAttribute[Any]) -> Any:
    """An INSERT into ``table`` that skips a row whose ``unique`` columns are stored already:
    the insert itself settles a race between two requests writing the same key (a lookup
    first and an insert after are two statements, with room for the other in between)."""
    dialect_insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    return dialect_insert(table).on_conflict_do_nothing(index_elements=list(unique))
