"""Must-attend events can be withdrawn (撤销) by the branch, with who and why; users have a
display name

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 05:00:00

A wrong report (a card's mistaken 红白大事) is cancelled, not deleted: the event stays on record
with the time, the actor and the reason, and leaves the member's tasks. A user's display name
is what lists show for them (报告人, the console's header) instead of the login name; empty, it
reads as the linked member's name, else the username.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("must_attend_events") as t:
        t.add_column(sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True))
        t.add_column(sa.Column("cancelled_by", sa.String(100), nullable=True))
        t.add_column(sa.Column("cancel_reason", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("users") as t:
        t.add_column(sa.Column("display_name", sa.String(50), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as t:
        t.drop_column("display_name")
    with op.batch_alter_table("must_attend_events") as t:
        t.drop_column("cancel_reason")
        t.drop_column("cancelled_by")
        t.drop_column("cancelled_at")
