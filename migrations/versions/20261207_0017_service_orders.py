"""Service orders (群众点单 → 网格下单 → 党员接单): orders, their append-only timelines, photos

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-07 14:00:00

A service order is one row as it stands now (status, the member it is dispatched to or taken
by, the step's deadline, the rating) with a ``version``: the length of its timeline, one row per
transition in ``service_order_timeline``, which the database keeps append-only (UPDATE and
DELETE refused, as on the issues' timeline, migration 0015).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
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
        "service_orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("grid_org_id", sa.Integer(), nullable=False),
        sa.Column("grid_path", _path(), nullable=False),
        sa.Column("area_org_id", sa.Integer(), nullable=False),
        sa.Column("area_path", _path(), nullable=False),
        sa.Column("ordered_by", sa.String(length=100), nullable=False),
        _at("ordered_at"),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("taker_id", sa.Integer(), nullable=True),
        sa.Column("step", sa.String(length=10), nullable=True),
        _at("step_started_at", nullable=True),
        _at("due", nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("rating", sa.String(length=30), nullable=True),
        sa.Column("rating_reason", sa.Text(), nullable=False),
        sa.Column("client_ref", _code(), nullable=True),
        _at("updated_at"),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_org_id"], ["org_units.id"], name=op.f("fk_service_orders_area_org_id_org_units")
        ),
        sa.ForeignKeyConstraint(
            ["assignee_id"], ["members.id"], name=op.f("fk_service_orders_assignee_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["grid_org_id"], ["org_units.id"], name=op.f("fk_service_orders_grid_org_id_org_units")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_service_orders_household_id_households"),
        ),
        sa.ForeignKeyConstraint(
            ["taker_id"], ["members.id"], name=op.f("fk_service_orders_taker_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_orders")),
        sa.UniqueConstraint(
            "ordered_by", "client_ref", name=op.f("uq_service_orders_ordered_by_client_ref")
        ),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_service_orders_household_id", "service_orders", ["household_id"])
    op.create_index("ix_service_orders_list", "service_orders", ["status", "grid_path", "due"])
    op.create_index("ix_service_orders_area", "service_orders", ["area_org_id", "status"])
    op.create_index("ix_service_orders_taker", "service_orders", ["taker_id", "status"])
    op.create_index("ix_service_orders_assignee", "service_orders", ["assignee_id", "status"])
    op.create_index("ix_service_orders_ordered_by", "service_orders", ["ordered_by", "ordered_at"])

    op.create_table(
        "service_order_timeline",
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        _at("at"),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        _at("due", nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["service_orders.id"],
            name=op.f("fk_service_order_timeline_order_id_service_orders"),
        ),
        sa.PrimaryKeyConstraint("order_id", "seq", name=op.f("pk_service_order_timeline")),
    )
    _append_only("service_order_timeline", postgres=postgres)

    op.create_table(
        "service_order_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
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
            ["order_id"],
            ["service_orders.id"],
            name=op.f("fk_service_order_photos_order_id_service_orders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_order_photos")),
        sa.UniqueConstraint("client_uuid", name=op.f("uq_service_order_photos_client_uuid")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_service_order_photos_storage_key")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_service_order_photos_order_id", "service_order_photos", ["order_id"])


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
    op.drop_index("ix_service_order_photos_order_id", table_name="service_order_photos")
    op.drop_table("service_order_photos")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "DROP TRIGGER IF EXISTS service_order_timeline_append_only ON service_order_timeline"
        )
        op.execute("DROP FUNCTION IF EXISTS service_order_timeline_append_only()")
    op.drop_table("service_order_timeline")
    for index in (
        "ix_service_orders_ordered_by",
        "ix_service_orders_assignee",
        "ix_service_orders_taker",
        "ix_service_orders_area",
        "ix_service_orders_list",
        "ix_service_orders_household_id",
    ):
        op.drop_index(index, table_name="service_orders")
    op.drop_table("service_orders")
