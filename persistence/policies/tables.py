"""Policies and their deliveries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from persistence.base import Base, CodeType, JsonType, Timestamp


class PolicyRow(Base):
    """A policy (政策明白卡) defined on an org unit for its subtree, with its eligibility rule."""

    __tablename__ = "policies"
    __table_args__ = (UniqueConstraint("org_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    code: Mapped[str] = mapped_column(CodeType)
    name: Mapped[str] = mapped_column(String(100))
    summary: Mapped[str] = mapped_column(Text, default="")
    rule: Mapped[dict[str, Any]] = mapped_column(JsonType)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(Timestamp())
    updated_at: Mapped[datetime] = mapped_column(Timestamp())
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # see OrgUnitRow


class PolicyDeliveryRow(Base):
    """政策落实到户: how far a policy has got with a household (explained → applied → received)."""

    __tablename__ = "policy_deliveries"
    __table_args__ = (UniqueConstraint("policy_id", "household_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("policies.id", ondelete="CASCADE"))
    household_id: Mapped[int] = mapped_column(
        ForeignKey("households.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(20))
    explained_at: Mapped[datetime | None] = mapped_column(Timestamp())
    applied_at: Mapped[datetime | None] = mapped_column(Timestamp())
    received_at: Mapped[datetime | None] = mapped_column(Timestamp())
    note: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(Timestamp())
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # see OrgUnitRow
