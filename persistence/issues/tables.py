"""Issues (问题/诉求), their timelines, photos, and the work calendar's edits."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from persistence.base import Base, CodeType, PathType, Timestamp


class IssueRow(Base):
    """An issue as it stands now (``domain.issues.model.Issue``); its history is its timeline
    (``IssueEntryRow``), and ``version`` is how long that is.

    Its places: where the matter lives (``origin``: what scopes it; its line of handling orgs is
    the origin's ancestors, read with it) and the handling org (``handler``), each as id and
    materialised path, so that a subtree's inbox is one range scan (the paths follow a moved
    org unit: ``IssueStore.follow_move``)."""

    __tablename__ = "issues"
    __table_args__ = (
        # The inbox and the ledger (问题台账): a subtree's issues in a status, by supervision
        # level (黄牌/红牌), soonest deadline first, overdue ones (due < now) among them. Status
        # leads (equality, or a few values: a range each), so the closed issues, most of a
        # county's, are never scanned for the open ones; the path range next; supervision and
        # the deadline are checked inside the index, and id and category ride along (INCLUDE
        # on PostgreSQL), so the page's ids and the count come from the index alone.
        Index(
            "ix_issues_inbox",
            "status",
            "handler_path",
            "supervision",
            "due",
            postgresql_include=["id", "category"],
        ),
        # Where the matters live: an area's issues wherever they are handled. (The deadline
        # sweep walks the open issues by id on the primary key: a partial index of the open
        # ones would look as good to the planner for an inbox of every open status, and is
        # not: it reads the rows where the inbox index answers alone.)
        Index("ix_issues_origin", "origin_path", "status"),
        # A field app's own id, per sender: a sync batch replayed is one issue.
        UniqueConstraint("raised_by", "client_ref"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    raiser: Mapped[str] = mapped_column(String(100))  # whose matter: answered to, rates it
    raised_by: Mapped[str] = mapped_column(String(100))  # who sent it (the first entry's actor)
    raised_at: Mapped[datetime] = mapped_column(Timestamp())
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    origin_org_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    origin_path: Mapped[str] = mapped_column(PathType)
    handler_org_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    handler_path: Mapped[str] = mapped_column(PathType)
    status: Mapped[str] = mapped_column(String(20))
    category: Mapped[str | None] = mapped_column(CodeType)
    difficulty: Mapped[str | None] = mapped_column(String(10))
    # The step under way (督办) and its time limit; null when none runs (closed, on the ledger).
    step: Mapped[str | None] = mapped_column(String(10))
    step_started_at: Mapped[datetime | None] = mapped_column(Timestamp())
    due: Mapped[datetime | None] = mapped_column(Timestamp())
    warned: Mapped[bool] = mapped_column(Boolean, default=False)
    overdue: Mapped[bool] = mapped_column(Boolean, default=False)
    supervision: Mapped[str] = mapped_column(String(10))
    overdue_count: Mapped[int] = mapped_column(Integer, default=0)
    # An extension asked for (延期申请), awaiting the level above.
    extension_until: Mapped[date | None] = mapped_column(Date)
    extension_reason: Mapped[str | None] = mapped_column(Text)
    extension_by: Mapped[str | None] = mapped_column(String(100))
    extension_at: Mapped[datetime | None] = mapped_column(Timestamp())
    # On the ledger (问题台账): the plan, its owner, the review date.
    ledger_plan: Mapped[str | None] = mapped_column(Text)
    ledger_owner: Mapped[str | None] = mapped_column(String(100))
    ledger_review_on: Mapped[date | None] = mapped_column(Date)
    ledger_review_flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    answer: Mapped[str | None] = mapped_column(Text)
    result: Mapped[str | None] = mapped_column(Text)
    rating: Mapped[str | None] = mapped_column(String(30))
    dissatisfied_count: Mapped[int] = mapped_column(Integer, default=0)
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)
    closed_at: Mapped[datetime | None] = mapped_column(Timestamp())  # the latest 销号
    client_ref: Mapped[str | None] = mapped_column(CodeType)
    # The visit's issue draft it was raised from (a draft becomes one issue at most).
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("issue_drafts.id"), unique=True)
    updated_at: Mapped[datetime] = mapped_column(Timestamp())
    version: Mapped[int] = mapped_column(Integer)  # the timeline's length (see OrgUnitRow)


class IssueEntryRow(Base):
    """One entry of an issue's timeline: who, when, from, to, what, note. Append-only: the
    database refuses UPDATE and DELETE (migration 0015), as on the audit log."""

    __tablename__ = "issue_timeline"

    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(Timestamp())
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    from_org: Mapped[int | None] = mapped_column(Integer)
    to_org: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    due: Mapped[datetime | None] = mapped_column(Timestamp())


class IssuePhotoRow(Base):
    """A photo attached to an issue; the bytes live in the photo storage (as visits')."""

    __tablename__ = "issue_photos"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id"), index=True)
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    content_type: Mapped[str] = mapped_column(String(40))
    size_bytes: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(Timestamp())
    client_uuid: Mapped[str | None] = mapped_column(CodeType, unique=True)


class WorkCalendarDayRow(Base):
    """An admin's edit of one day of the work calendar (工作日历): what the day is, over what
    the published holidays say (the chinese-calendar package's, the base layer)."""

    __tablename__ = "work_calendar_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(Timestamp())
