"""households.status (moved out, archived) in place of deleting a household with history

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-07 09:00:00

The 民情日志 is a record: a household with visits, events, drafts or deliveries is no longer
deleted (its keys cascade) but moved out or archived, and leaves the due lists, compliance,
rosters and pulls while its history stays readable.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN on both databases (a constant default: no table rebuild on SQLite).
    op.add_column(
        "households",
        sa.Column("status", sa.String(length=20), server_default="active", nullable=False),
    )


def downgrade() -> None:
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.drop_column("status")
