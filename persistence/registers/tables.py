"""Members, households, their categories and residents."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from persistence.base import Base, CodeType, Timestamp


class MemberRow(Base):
    __tablename__ = "members"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    role: Mapped[str] = mapped_column(String(30))
    gender: Mapped[str | None] = mapped_column(String(10))
    birth_date: Mapped[date | None] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(20))
    lat: Mapped[float | None] = mapped_column(Float)
    lng: Mapped[float | None] = mapped_column(Float)
    skills: Mapped[str] = mapped_column(Text, default="")  # 、-separated, searched with LIKE
    in_service: Mapped[bool] = mapped_column(Boolean, default=False)
    reported_community_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    exempt_reason: Mapped[str | None] = mapped_column(String(20), index=True)
    exempt_decided_by: Mapped[str | None] = mapped_column(String(50))
    exempt_decided_on: Mapped[date | None] = mapped_column(Date)
    exempt_note: Mapped[str | None] = mapped_column(String(200))
    external_id: Mapped[str | None] = mapped_column(CodeType, unique=True)
    created_at: Mapped[datetime] = mapped_column(Timestamp())
    updated_at: Mapped[datetime] = mapped_column(Timestamp())
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # see OrgUnitRow


class HouseholdRow(Base):
    __tablename__ = "households"
    # (org_id, id): an area's households are read by grid, and counting or joining them needs
    # nothing but this index (compliance of a county, bench-field).
    __table_args__ = (Index("ix_households_org_id_id", "org_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    building: Mapped[str | None] = mapped_column(String(50))
    head_name: Mapped[str] = mapped_column(String(50))
    address: Mapped[str | None] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer, default=1)
    phone: Mapped[str | None] = mapped_column(String(20))
    lat: Mapped[float | None] = mapped_column(Float)
    lng: Mapped[float | None] = mapped_column(Float)
    # ",dibao,empty_nest_elderly,": one column that imports write in the same COPY and that a
    # filter matches with LIKE on whole codes, the same on SQLite and PostgreSQL.
    categories: Mapped[str] = mapped_column(String(400), default="")
    external_id: Mapped[str | None] = mapped_column(CodeType, unique=True)
    # active | moved_out | archived (domain.household.HouseholdStatus): only active households
    # are in due lists, compliance, rosters and pulls; the others keep their history.
    status: Mapped[str] = mapped_column(String(20), server_default="active")
    created_at: Mapped[datetime] = mapped_column(Timestamp())
    updated_at: Mapped[datetime] = mapped_column(Timestamp())
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # see OrgUnitRow
    # The latest visited_at of the household's visits, kept by database triggers on visits
    # (migration 0007) so that no write path can forget it: an area's compliance and a member's
    # due list read it instead of aggregating millions of visits. Not indexed, so the update a
    # visit makes stays a heap-only (HOT) update on PostgreSQL.
    last_visited_at: Mapped[datetime | None] = mapped_column(Timestamp())


ACTIVE_HOUSEHOLD = "active"


def encode_categories(categories: Iterable[str]) -> str:
    codes = sorted(set(categories))
    return f",{','.join(codes)}," if codes else ""


_NONE: frozenset[str] = frozenset()


def decode_categories(text: str) -> frozenset[str]:
    return frozenset(text[1:-1].split(",")) if text else _NONE


class CategoryRow(Base):
    """Categories registered beyond the built-ins (户类可扩展)."""

    __tablename__ = "categories"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    label: Mapped[str] = mapped_column(String(40), unique=True)


class HouseholdResidentRow(Base):
    """A person living in a household, reduced to what policy rules need (no name)."""

    __tablename__ = "household_residents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    household_id: Mapped[int] = mapped_column(
        ForeignKey("households.id", ondelete="CASCADE"), index=True
    )
    relation: Mapped[str] = mapped_column(String(20))
    birth_date: Mapped[date] = mapped_column(Date)
    gender: Mapped[str | None] = mapped_column(String(10))
