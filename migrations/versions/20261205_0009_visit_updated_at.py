"""visits.updated_at: when a visit was last changed (an edit, a tick), so the delta pull
brings edits to the phones too; null for a visit never changed since it was logged.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 06:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable, no backfill: adding it is instant on a table of millions of visits. A plain
    # ALTER TABLE, never a batch rebuild: rebuilding visits on SQLite would drop its
    # last-visit triggers (migration 0007).
    op.add_column("visits", sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("visits", "updated_at")
