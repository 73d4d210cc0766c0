"""The org tree's rows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from persistence.base import Base, CodeType, PathType, Timestamp


class OrgUnitRow(Base):
    __tablename__ = "org_units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(20))
    path: Mapped[str] = mapped_column(PathType, index=True)
    code: Mapped[str | None] = mapped_column(CodeType, unique=True)
    external_id: Mapped[str | None] = mapped_column(CodeType, unique=True)
    created_at: Mapped[datetime] = mapped_column(Timestamp())
    updated_at: Mapped[datetime] = mapped_column(Timestamp())
    # Raised by one on every change (and the change's event names it): an integrator's mirror
    # applies a change only over an older version.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
