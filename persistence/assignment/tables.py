"""Assignments (联户关系), proposals and the preferences a roster is solved with."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from persistence.base import Base, JsonType, Timestamp


class AssignmentRow(Base):
    """包户: member ↔ household with start and end; history is kept (ended rows stay)."""

    __tablename__ = "assignments"
    __table_args__ = (Index("ix_assignments_member_active", "member_id", "ended_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    household_id: Mapped[int] = mapped_column(
        ForeignKey("households.id", ondelete="CASCADE"), index=True
    )
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("assignment_proposals.id"))
    reasons: Mapped[str] = mapped_column(String(200), server_default="")
    # the database's time for a row written without it (tests, benchmarks); the code names it
    updated_at: Mapped[datetime] = mapped_column(Timestamp(), server_default=func.now())
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # see OrgUnitRow


class ProposalRow(Base):
    """A draft roster for an area (方案), reviewed and edited, then published."""

    __tablename__ = "assignment_proposals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="CASCADE"), index=True)
    scheme: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20), index=True)
    mode: Mapped[str] = mapped_column(String(20))  # full | replan
    fingerprint: Mapped[str] = mapped_column(String(64))  # the roster it was built from
    report: Mapped[dict[str, Any]] = mapped_column(JsonType)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(Timestamp())
    published_by: Mapped[str | None] = mapped_column(String(100))
    published_at: Mapped[datetime | None] = mapped_column(Timestamp())


class ProposalPairRow(Base):
    """A draft's pairs, keyed by household. No index by member: storing a city's draft is
    faster without it, and a member's pairs within one draft are read by a scan of its range."""

    __tablename__ = "proposal_pairs"

    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("assignment_proposals.id", ondelete="CASCADE"), primary_key=True
    )
    # No foreign keys to households and members: a draft is a snapshot (half a million rows
    # for a city, where per-row key checks would double the time to store it); publishing
    # refuses a draft whose roster changed, and assignments carry the keys.
    household_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(Integer)
    reasons: Mapped[str] = mapped_column(String(200), default="")
    distance_m: Mapped[int | None] = mapped_column(Integer)


class MemberRequestRow(Base):
    """A member's self-declaration (自行申报): the households they ask to look after."""

    __tablename__ = "member_requests"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    household_id: Mapped[int] = mapped_column(
        ForeignKey("households.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(Timestamp())


class MemberTieRow(Base):
    """A declared tie between a member and a household: kinship (血缘相通) or a shared interest
    or skill (志趣相投)."""

    __tablename__ = "member_ties"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    household_id: Mapped[int] = mapped_column(
        ForeignKey("households.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)


class ElderlyPairingRow(Base):
    """1+6+N: a contact member paired with an elderly or infirm member (结对老党员)."""

    __tablename__ = "elderly_pairings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    elderly_member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("assignment_proposals.id"))
