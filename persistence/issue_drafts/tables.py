"""Issue drafts (问题线索)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from persistence.base import Base, Timestamp


class IssueDraftRow(Base):
    """An issue draft raised from a flagged item of a visit (四个必记), for the issue flow."""

    __tablename__ = "issue_drafts"
    __table_args__ = (UniqueConstraint("visit_id", "flag_kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"))
    household_id: Mapped[int] = mapped_column(
        ForeignKey("households.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    flag_kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(Timestamp())
    # the database's time for a row written without it (tests, benchmarks); the code names it
    updated_at: Mapped[datetime] = mapped_column(Timestamp(), server_default=func.now())
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # see OrgUnitRow
