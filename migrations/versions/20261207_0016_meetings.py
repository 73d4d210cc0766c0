"""Meetings (会议): their agenda, attendance, household representatives and ratings, and the
tasks (交办事项) they assign with their append-only records

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 13:00:00

A meeting is one row with its parts in four small tables, written whole on each change
(``version`` counts them). A task of a 民事交办会 is a row of its own with its record in
``meeting_task_entries``, which the database keeps append-only (UPDATE and DELETE refused, as
on ``issue_timeline``, 0015).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column(
            "decisions", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finalised_by", sa.String(length=100), nullable=True),
        sa.Column("finalised_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["org_units.id"], name=op.f("fk_meetings_org_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.create_index("ix_meetings_org_id_held_on", ["org_id", "held_on"], unique=False)

    op.create_table(
        "meeting_attendees",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("absence_reason", sa.Text(), nullable=True),
        sa.Column("report", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_attendees_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_meeting_attendees_member_id_members")
        ),
        sa.PrimaryKeyConstraint("meeting_id", "member_id", name=op.f("pk_meeting_attendees")),
    )
    op.create_table(
        "meeting_ratings",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=10), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=30), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_ratings_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "meeting_id", "household_id", "target", "target_id", name=op.f("pk_meeting_ratings")
        ),
    )
    op.create_table(
        "meeting_representatives",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_meeting_representatives_household_id_households"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_representatives_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "meeting_id", "household_id", name=op.f("pk_meeting_representatives")
        ),
    )
    op.create_table(
        "meeting_agenda_items",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=True),
        sa.Column("minutes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["issue_id"], ["issues.id"], name=op.f("fk_meeting_agenda_items_issue_id_issues")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_agenda_items_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("meeting_id", "seq", name=op.f("pk_meeting_agenda_items")),
    )
    with op.batch_alter_table("meeting_agenda_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_agenda_items_issue_id"), ["issue_id"], unique=False
        )

    op.create_table(
        "meeting_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("owner_member_id", sa.Integer(), nullable=False),
        sa.Column("owner_name", sa.String(length=50), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("measures", sa.Text(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_note", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["issue_id"], ["issues.id"], name=op.f("fk_meeting_tasks_issue_id_issues")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_meeting_tasks_meeting_id_meetings")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["org_units.id"], name=op.f("fk_meeting_tasks_org_id_org_units")
        ),
        sa.ForeignKeyConstraint(
            ["owner_member_id"],
            ["members.id"],
            name=op.f("fk_meeting_tasks_owner_member_id_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_tasks")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("meeting_tasks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_tasks_meeting_id"), ["meeting_id"], unique=False
        )
        batch_op.create_index(
            "ix_meeting_tasks_org_id_status_deadline",
            ["org_id", "status", "deadline"],
            unique=False,
        )
        batch_op.create_index(
            "ix_meeting_tasks_owner_member_id_status", ["owner_member_id", "status"], unique=False
        )

    op.create_table(
        "meeting_task_entries",
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["meeting_tasks.id"],
            name=op.f("fk_meeting_task_entries_task_id_meeting_tasks"),
        ),
        sa.PrimaryKeyConstraint("task_id", "seq", name=op.f("pk_meeting_task_entries")),
    )
    _append_only("meeting_task_entries", postgres=op.get_bind().dialect.name == "postgresql")


def _append_only(table: str, *, postgres: bool) -> None:
    """The database itself refuses UPDATE and DELETE (as on issue_timeline: 0015)."""
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
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "DROP TRIGGER IF EXISTS meeting_task_entries_append_only ON meeting_task_entries"
        )
        op.execute("DROP FUNCTION IF EXISTS meeting_task_entries_append_only()")
    op.drop_table("meeting_task_entries")
    with op.batch_alter_table("meeting_tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_meeting_tasks_owner_member_id_status")
        batch_op.drop_index("ix_meeting_tasks_org_id_status_deadline")
        batch_op.drop_index(batch_op.f("ix_meeting_tasks_meeting_id"))

    op.drop_table("meeting_tasks")
    with op.batch_alter_table("meeting_agenda_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_agenda_items_issue_id"))

    op.drop_table("meeting_agenda_items")
    op.drop_table("meeting_representatives")
    op.drop_table("meeting_ratings")
    op.drop_table("meeting_attendees")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index("ix_meetings_org_id_held_on")

    op.drop_table("meetings")
