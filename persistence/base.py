"""The one MetaData and the column types every feature's tables use. The naming convention keeps
constraint names equal on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    DateTime,
    MetaData,
    String,
    TypeDecorator,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

# Paths are compared byte-wise for indexed subtree range scans (domain.org.subtree_bounds);
# PostgreSQL's default collation would sort '/' among letters, so the column uses "C" there.
PathType = String(400).with_variant(String(400, collation="C"), "postgresql")
# External ids and codes are identifiers, not words: byte order ("C") makes their unique
# indexes cheaper to maintain, which a city-size import feels (about a fifth of its time).
CodeType = String(64).with_variant(String(64, collation="C"), "postgresql")
JsonType = JSON().with_variant(JSONB(), "postgresql")


class Timestamp(TypeDecorator[datetime]):
    """Aware UTC datetimes on both databases; SQLite keeps no offset, so it is restored here."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(
        self,
        value: datetime | None,
        dialect: Dialect,  # noqa: ARG002
    ) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)  # a filter typed without an offset means UTC
        # In UTC before it is stored: SQLite keeps a datetime's fields and drops its offset, so
        # 08:00+08:00 (how a client in China writes the time) was stored, and read, as 08:00 UTC.
        try:
            return value.astimezone(UTC)
        except OverflowError:  # within hours of year 1 or 9999: the end of time either way
            return (datetime.max if value.year > 1 else datetime.min).replace(tzinfo=UTC)

    def process_result_value(
        self,
        value: datetime | None,
        dialect: Dialect,  # noqa: ARG002
    ) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    metadata = metadata
