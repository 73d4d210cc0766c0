"""The issue flow: issues, their append-only timelines, their photos, the work calendar's edits

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 12:00:00

An issue (问题/诉求) is one row as it stands now (status, handling org, the step's deadline,
supervision level, ledger, rating …) with a ``version``: the length of its timeline, one row per
transition in ``issue_timeline``, which the database keeps append-only (UPDATE and DELETE
refused, as on the audit log and the outbox). The inbox index leads with the status, then the
handling org's path (a subtree is a range), then the supervision level and the deadline.
``work_calendar_days`` holds an admin's edits of the work calendar; the published holidays
underneath come from the chinese-calendar package (persistence/issues/calendar.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _path() -> sa.types.TypeEngine[str]:
    return sa.String(400).with_variant(sa.String(400, collation="C"), "postgresql")


def _code() -> sa.types.TypeEngine[str]:
    return sa.String(64).with_variant(sa.String(64, collation="C"), "postgresql")


def _at(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "work_calendar_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        _at("updated_at"),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_work_calendar_days")),
    )
    op.create_table(
        "issues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("raiser", sa.String(length=100), nullable=False),
        sa.Column("raised_by", sa.String(length=100), nullable=False),
        _at("raised_at"),
        sa.Column("household_id", sa.Integer(), nullable=True),
        sa.Column("origin_org_id", sa.Integer(), nullable=False),
        sa.Column("origin_path", _path(), nullable=False),
        sa.Column("handler_org_id", sa.Integer(), nullable=False),
        sa.Column("handler_path", _path(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("category", _code(), nullable=True),
        sa.Column("difficulty", sa.String(length=10), nullable=True),
        sa.Column("step", sa.String(length=10), nullable=True),
        _at("step_started_at", nullable=True),
        _at("due", nullable=True),
        sa.Column("warned", sa.Boolean(), nullable=False),
        sa.Column("overdue", sa.Boolean(), nullable=False),
        sa.Column("supervision", sa.String(length=10), nullable=False),
        sa.Column("overdue_count", sa.Integer(), nullable=False),
        sa.Column("extension_until", sa.Date(), nullable=True),
        sa.Column("extension_reason", sa.Text(), nullable=True),
        sa.Column("extension_by", sa.String(length=100), nullable=True),
        _at("extension_at", nullable=True),
        sa.Column("ledger_plan", sa.Text(), nullable=True),
        sa.Column("ledger_owner", sa.String(length=100), nullable=True),
        sa.Column("ledger_review_on", sa.Date(), nullable=True),
        sa.Column("ledger_review_flagged", sa.Boolean(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("rating", sa.String(length=30), nullable=True),
        sa.Column("dissatisfied_count", sa.Integer(), nullable=False),
        sa.Column("reopen_count", sa.Integer(), nullable=False),
        _at("closed_at", nullable=True),
        sa.Column("client_ref", _code(), nullable=True),
        sa.Column("draft_id", sa.Integer(), nullable=True),
        _at("updated_at"),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["draft_id"], ["issue_drafts.id"], name=op.f("fk_issues_draft_id_issue_drafts")
        ),
        sa.ForeignKeyConstraint(
            ["handler_org_id"], ["org_units.id"], name=op.f("fk_issues_handler_org_id_org_units")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["households.id"], name=op.f("fk_issues_household_id_households")
        ),
        sa.ForeignKeyConstraint(
            ["origin_org_id"], ["org_units.id"], name=op.f("fk_issues_origin_org_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issues")),
        sa.UniqueConstraint("draft_id", name=op.f("uq_issues_draft_id")),
        sa.UniqueConstraint("raised_by", "client_ref", name=op.f("uq_issues_raised_by_client_ref")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_issues_household_id", "issues", ["household_id"])
    op.create_index(
        "ix_issues_inbox",
        "issues",
        ["status", "handler_path", "supervision", "due"],
        postgresql_include=["id", "category"],
    )
    op.create_index("ix_issues_origin", "issues", ["origin_path", "status"])

    op.create_table(
        "issue_timeline",
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        _at("at"),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("from_org", sa.Integer(), nullable=True),
        sa.Column("to_org", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        _at("due", nullable=True),
        sa.ForeignKeyConstraint(
            ["issue_id"], ["issues.id"], name=op.f("fk_issue_timeline_issue_id_issues")
        ),
        sa.PrimaryKeyConstraint("issue_id", "seq", name=op.f("pk_issue_timeline")),
    )
    _append_only("issue_timeline", postgres=postgres)

    op.create_table(
        "issue_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("storage_key", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        _at("created_at"),
        sa.Column("client_uuid", _code(), nullable=True),
        sa.ForeignKeyConstraint(
            ["issue_id"], ["issues.id"], name=op.f("fk_issue_photos_issue_id_issues")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issue_photos")),
        sa.UniqueConstraint("client_uuid", name=op.f("uq_issue_photos_client_uuid")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_issue_photos_storage_key")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_issue_photos_issue_id", "issue_photos", ["issue_id"])


def _append_only(table: str, *, postgres: bool) -> None:
    """The database itself refuses UPDATE and DELETE (as on audit_log and outbox: 0001, 0014)."""
    if postgres:
        op.execute(
            f"CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{table} is append-only'; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
        )
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        )


def downgrade() -> None:
    op.drop_index("ix_issue_photos_issue_id", table_name="issue_photos")
    op.drop_table("issue_photos")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS issue_timeline_append_only ON issue_timeline")
        op.execute("DROP FUNCTION IF EXISTS issue_timeline_append_only()")
    op.drop_table("issue_timeline")
    for index in ("ix_issues_origin", "ix_issues_inbox", "ix_issues_household_id"):
        op.drop_index(index, table_name="issues")
    op.drop_table("issues")
    op.drop_table("work_calendar_days")
