"""The scheme bound to an org unit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    ForeignKey,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from persistence.base import Base, JsonType, Timestamp


class SchemeBindingRow(Base):
    __tablename__ = "scheme_bindings"

    org_id: Mapped[int] = mapped_column(
        ForeignKey("org_units.id", ondelete="CASCADE"), primary_key=True
    )
    scheme: Mapped[str | None] = mapped_column(String(30))
    overrides: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    updated_at: Mapped[datetime] = mapped_column(Timestamp())
