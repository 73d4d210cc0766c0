"""Visits (走访记录)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from persistence.base import Base, CodeType, JsonType, Timestamp


class VisitRow(Base):
    """A visit (走访 / 民情日志 entry); an amendment is a new row pointing at the original."""

    __tablename__ = "visits"
    __table_args__ = (
        Index("ix_visits_household_at", "household_id", "visited_at"),
        Index("ix_visits_member_at", "member_id", "visited_at"),
        # An area's recent visits in one index-only pass (compliance): by time, carrying the
        # household and the member (INCLUDE on PostgreSQL; SQLite keeps a plain index).
        Index(
            "ix_visits_visited_at",
            "visited_at",
            postgresql_include=["household_id", "member_id"],
        ),
        # "is it superseded?" (an amendment points at it): the few visits that are amended
        Index(
            "ix_visits_amends_id",
            "amends_id",
            postgresql_where=text("amends_id IS NOT NULL"),
            sqlite_where=text("amends_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"))
    visited_at: Mapped[datetime] = mapped_column(Timestamp())
    mode: Mapped[str] = mapped_column(String(20))
    notes: Mapped[str] = mapped_column(Text, default="")
    flags: Mapped[list[dict[str, str]]] = mapped_column(JsonType)
    checklist: Mapped[list[str]] = mapped_column(JsonType)
    lat: Mapped[float | None] = mapped_column(Float)
    lng: Mapped[float | None] = mapped_column(Float)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(Timestamp())
    # Last changed (an edit, a tick); null until then. The delta pull reads it beside created_at.
    updated_at: Mapped[datetime | None] = mapped_column(Timestamp())
    # The offline client's own id for the visit: a replayed sync never logs it twice.
    client_uuid: Mapped[str | None] = mapped_column(CodeType, unique=True)
    amends_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"))
    # Set when an offline visit met a changed roster (see README, offline sync): kept, flagged.
    sync_note: Mapped[str | None] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # see OrgUnitRow
