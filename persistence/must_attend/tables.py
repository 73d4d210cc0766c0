"""Must-attend events (必到事项)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from persistence.base import Base, Timestamp


class MustAttendEventRow(Base):
    """A must-attend event (五必到) on a household: its contact member must attend by the
    deadline; the attendance is a visit."""

    __tablename__ = "must_attend_events"
    __table_args__ = (Index("ix_must_attend_events_member_open", "member_id", "visit_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    household_id: Mapped[int] = mapped_column(
        ForeignKey("households.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    kind: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    reported_by: Mapped[str] = mapped_column(String(100))
    reported_at: Mapped[datetime] = mapped_column(Timestamp())
    deadline: Mapped[datetime] = mapped_column(Timestamp())
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"))
    attended_at: Mapped[datetime | None] = mapped_column(Timestamp())
    # 撤销: withdrawn by the branch (a wrong report), who and why; kept on record
    cancelled_at: Mapped[datetime | None] = mapped_column(Timestamp())
    cancelled_by: Mapped[str | None] = mapped_column(String(100))
    cancel_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    # the database's time for a row written without it (tests, benchmarks); the code names it
    updated_at: Mapped[datetime] = mapped_column(Timestamp(), server_default=func.now())
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # see OrgUnitRow
