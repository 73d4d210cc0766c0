"""households.status (moved out, archived) in place of deleting a household with history; ids
never reused on SQLite

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 09:00:00

The 民情日志 is a record: a household with visits, events, drafts or deliveries is no longer
deleted (its keys cascade) but moved out or archived, and leaves the due lists, compliance,
rosters and pulls while its history stays readable.

SQLite gave a new row the largest rowid + 1, so the id of the newest household, once deleted,
went to the next one (an integrator's mirror merged the two). Every table keyed by an integer id
is rebuilt with AUTOINCREMENT (sqlite_sequence keeps the largest id ever given from now on; an id
deleted before this migration may still come back once). PostgreSQL's sequences never go back:
nothing to do there.

A rebuild is CREATE new, copy, DROP old, RENAME: with foreign keys enforced, the DROP deletes
every row first and cascades (a household's visits, events …), so enforcement is off for the
rebuild and checked whole after it. A DROP takes the table's triggers with it (the last-visit
triggers on visits of 0007/0010, the append-only ones on audit_log of 0001): the triggers are
read before and created again after, as they stood.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Every table keyed by an integer id the API shows (persistence.tables marks the same ones).
ID_TABLES = (
    "org_units",
    "members",
    "households",
    "assignment_proposals",
    "assignments",
    "elderly_pairings",
    "card_tokens",
    "users",
    "refresh_tokens",
    "api_keys",
    "audit_log",
    "visits",
    "must_attend_events",
    "visit_photos",
    "issue_drafts",
    "household_residents",
    "policies",
    "policy_deliveries",
)


def upgrade() -> None:
    # A plain ADD COLUMN on both databases (a constant default: no table rebuild on SQLite).
    op.add_column(
        "households",
        sa.Column("status", sa.String(length=20), server_default="active", nullable=False),
    )
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_autoincrement()


def _foreign_keys(on: bool) -> None:
    """PRAGMA foreign_keys is a no-op inside a transaction: end the one the driver opened at the
    first write of this upgrade (pysqlite begins before DML only), then switch."""
    dbapi = op.get_bind().connection.dbapi_connection
    assert dbapi is not None
    if dbapi.in_transaction:
        dbapi.commit()
    dbapi.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def _sqlite_autoincrement() -> None:
    bind = op.get_bind()
    # Every trigger of the database, dropped for the rebuild and created again after it: a
    # DROP takes a table's own triggers with it, and a RENAME checks every trigger's body (the
    # last-visit triggers on visits name households, absent between the DROP and the RENAME).
    triggers = bind.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
    ).all()
    for name, _ in triggers:
        bind.exec_driver_sql(f'DROP TRIGGER "{name}"')
    _foreign_keys(False)
    for table in ID_TABLES:
        if "AUTOINCREMENT" in _table_sql(table):
            continue
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": True}
        ):
            pass
    for _, sql in triggers:
        bind.exec_driver_sql(sql)
    broken = bind.exec_driver_sql("PRAGMA foreign_key_check").first()
    if broken is not None:
        raise RuntimeError(f"foreign key broken by the rebuild: {tuple(broken)}")
    _foreign_keys(True)


def _table_sql(table: str) -> str:
    return str(
        op.get_bind()
        .exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
        )
        .scalar_one()
    )


def downgrade() -> None:
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.drop_column("status")
