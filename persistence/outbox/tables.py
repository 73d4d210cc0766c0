"""The outbox table: one row per domain event, in the transaction that made the change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from persistence.base import Base, JsonType, PathType, Timestamp


class OutboxRow(Base):
    """Append-only (the database refuses UPDATE and DELETE, as on the audit log); ids never
    reused (AUTOINCREMENT on SQLite). ``tx``: on PostgreSQL the writing transaction's id
    (``pg_current_xact_id``), the order the change feed reads in (see persistence.outbox.queries);
    0 on SQLite, where one writer at a time gives ids in commit order."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_tx_id", "tx", "id"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tx: Mapped[int] = mapped_column(BigInteger, server_default="0")
    type: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    # The record's version after the change (the one its row now carries); for a deletion, one
    # above its last.
    version: Mapped[int | None] = mapped_column(Integer)
    tombstone: Mapped[bool] = mapped_column(Boolean, default=False)
    org_path: Mapped[str | None] = mapped_column(PathType)
    # The path the record left (a household moved to another village): there it is a removal.
    left_path: Mapped[str | None] = mapped_column(PathType)
    # The household the record belongs to: an ordinary member reads only their own households'.
    household_id: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(100))
    request_id: Mapped[str | None] = mapped_column(String(40))
    occurred_at: Mapped[datetime] = mapped_column(Timestamp())
    payload: Mapped[dict[str, Any]] = mapped_column(JsonType)
