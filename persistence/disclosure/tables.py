"""Contact cards' tokens (联系卡)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from persistence.base import Base, CodeType, Timestamp


class CardTokenRow(Base):
    """The unguessable, revocable token behind a household's contact card QR (党群联心卡)."""

    __tablename__ = "card_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    household_id: Mapped[int] = mapped_column(
        ForeignKey("households.id", ondelete="CASCADE"), index=True
    )
    token: Mapped[str] = mapped_column(CodeType, unique=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(Timestamp())
    revoked_at: Mapped[datetime | None] = mapped_column(Timestamp())
