"""The outbox of domain events; every mirrored record carries ``updated_at`` and ``version``

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 08:00:00

Each write records what happened as domain events, written in the transaction of the change to
an append-only ``outbox`` (ids never reused: AUTOINCREMENT on SQLite; the database refuses
UPDATE and DELETE, as on the audit log); ``GET /api/v1/changes`` reads it. The records an
integrator mirrors carry a ``version`` raised on every change (the events name it), and an
``updated_at``: existing rows start at version 1, and the tables that had no ``updated_at`` take
the time they were made (an assignment: its start, a must-attend event: its report).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VERSIONED = (
    "org_units",
    "members",
    "households",
    "assignments",
    "visits",
    "must_attend_events",
    "issue_drafts",
    "policies",
    "policy_deliveries",
)
# Tables without an updated_at until now, and the column their rows take it from.
NEW_UPDATED_AT = {
    "assignments": "started_on",
    "must_attend_events": "reported_at",
    "issue_drafts": "created_at",
}


def _path() -> sa.types.TypeEngine[str]:
    return sa.String(400).with_variant(sa.String(400, collation="C"), "postgresql")


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tx", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("type", sa.String(length=60), nullable=False),
        sa.Column("entity", sa.String(length=30), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("tombstone", sa.Boolean(), nullable=False),
        sa.Column("org_path", _path(), nullable=True),
        sa.Column("left_path", _path(), nullable=True),
        sa.Column("household_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("request_id", sa.String(length=40), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "payload",
            sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_outbox_tx_id", "outbox", ["tx", "id"], unique=False)
    _append_only("outbox", postgres=postgres)

    for table in VERSIONED:
        op.add_column(table, sa.Column("version", sa.Integer(), server_default="1", nullable=False))
    for table, source in NEW_UPDATED_AT.items():
        op.add_column(table, sa.Column("updated_at", sa.DateTime(timezone=True)))
        if postgres:
            op.execute(f"UPDATE {table} SET updated_at = {source}::timestamptz")
            op.alter_column(table, "updated_at", nullable=False, server_default=sa.func.now())
        elif source == "started_on":  # a date: midnight UTC, in the form SQLAlchemy writes
            op.execute(f"UPDATE {table} SET updated_at = {source} || ' 00:00:00.000000'")
        else:
            op.execute(f"UPDATE {table} SET updated_at = {source}")
    if not postgres:
        _sqlite_not_null_updated_at()


def _sqlite_not_null_updated_at() -> None:
    """SQLite sets NOT NULL and a default only by rebuilding the table (0012's way: foreign keys
    off for the rebuild and checked after, the triggers read before and made again after,
    AUTOINCREMENT kept)."""
    bind = op.get_bind()
    triggers = bind.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
    ).all()
    for name, _ in triggers:
        bind.exec_driver_sql(f'DROP TRIGGER "{name}"')
    _foreign_keys(on=False)
    for table in NEW_UPDATED_AT:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": True}
        ) as t:
            t.alter_column(
                "updated_at",
                existing_type=sa.DateTime(timezone=True),
                nullable=False,
                server_default=sa.func.now(),
            )
    for _, sql in triggers:
        bind.exec_driver_sql(sql)
    broken = bind.exec_driver_sql("PRAGMA foreign_key_check").first()
    if broken is not None:
        raise RuntimeError(f"foreign key broken by the rebuild: {tuple(broken)}")
    _foreign_keys(on=True)


def _foreign_keys(*, on: bool) -> None:
    """PRAGMA foreign_keys is a no-op inside a transaction: end the one the driver opened (see
    0012), then switch."""
    dbapi = op.get_bind().connection.dbapi_connection
    assert dbapi is not None
    if dbapi.in_transaction:
        dbapi.commit()
    dbapi.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def _append_only(table: str, *, postgres: bool) -> None:
    """The database itself refuses UPDATE and DELETE (as on audit_log, migration 0001)."""
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
    for table in NEW_UPDATED_AT:
        op.drop_column(table, "updated_at")
    for table in VERSIONED:
        op.drop_column(table, "version")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS outbox_append_only ON outbox")
        op.execute("DROP FUNCTION IF EXISTS outbox_append_only()")
    op.drop_index("ix_outbox_tx_id", table_name="outbox")
    op.drop_table("outbox")
