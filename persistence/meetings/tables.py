"""Meetings (会议), their agenda, attendance, ratings, and the tasks (交办事项) they assign.

A meeting is placed by its org (``org_id``): its reach is read through the org's path at the
time of reading, so a moved org takes its meetings along with nothing to update."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from persistence.base import Base, JsonType, Timestamp


class MeetingRow(Base):
    """A meeting as it stands now; ``version`` counts its changes (see OrgUnitRow)."""

    __tablename__ = "meetings"
    __table_args__ = (Index("ix_meetings_org_id_held_on", "org_id", "held_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    type: Mapped[str] = mapped_column(String(20))
    org_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(Text, default="")
    decisions: Mapped[list[str]] = mapped_column(JsonType, default=list)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(Timestamp())
    updated_at: Mapped[datetime] = mapped_column(Timestamp())
    finalised_by: Mapped[str | None] = mapped_column(String(100))
    finalised_at: Mapped[datetime | None] = mapped_column(Timestamp())
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)


class AgendaItemRow(Base):
    __tablename__ = "meeting_agenda_items"

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    issue_id: Mapped[int | None] = mapped_column(ForeignKey("issues.id"), index=True)
    minutes: Mapped[str] = mapped_column(Text, default="")


class AttendeeRow(Base):
    __tablename__ = "meeting_attendees"

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    present: Mapped[bool] = mapped_column(Boolean)
    absence_reason: Mapped[str | None] = mapped_column(Text)
    report: Mapped[str] = mapped_column(Text, default="")  # the member's 对账


class RepresentativeRow(Base):
    """A household's representative at a 民主评议会 (群众代表)."""

    __tablename__ = "meeting_representatives"

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(50))


class RatingRow(Base):
    """One representative's 评议 of one member or task: one per (meeting, household, target)."""

    __tablename__ = "meeting_ratings"

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    household_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target: Mapped[str] = mapped_column(String(10), primary_key=True)
    target_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    level: Mapped[str] = mapped_column(String(30))


class TaskRow(Base):
    """A task of a 民事交办会 (交办事项) as it stands now; ``version``: its record's length."""

    __tablename__ = "meeting_tasks"
    __table_args__ = (
        # "my tasks" (the field app) and an org's open tasks by deadline
        Index("ix_meeting_tasks_owner_member_id_status", "owner_member_id", "status"),
        Index("ix_meeting_tasks_org_id_status_deadline", "org_id", "status", "deadline"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    title: Mapped[str] = mapped_column(String(200))
    owner_member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    owner_name: Mapped[str] = mapped_column(String(50))
    target: Mapped[str] = mapped_column(Text)
    measures: Mapped[str] = mapped_column(Text)
    deadline: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10))
    issue_id: Mapped[int | None] = mapped_column(ForeignKey("issues.id"))
    published_at: Mapped[datetime | None] = mapped_column(Timestamp())
    done_at: Mapped[datetime | None] = mapped_column(Timestamp())
    done_note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(Timestamp())
    updated_at: Mapped[datetime] = mapped_column(Timestamp())
    version: Mapped[int] = mapped_column(Integer, default=1)


class TaskEntryRow(Base):
    """One line of a task's record (交办, 公示, 办结): who, when, what, note. Append-only."""

    __tablename__ = "meeting_task_entries"

    task_id: Mapped[int] = mapped_column(ForeignKey("meeting_tasks.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(Timestamp())
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
