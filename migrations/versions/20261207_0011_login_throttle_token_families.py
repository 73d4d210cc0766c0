"""Logins and tokens that hold under concurrency: the failed-login counters move to their own
table (per username and client address, claimed atomically), refresh tokens carry the family
they were rotated from (reuse of a spent one revokes the family), users a time before which
access tokens are refused, API keys the account that made them.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 05:00:00

Plain ALTER TABLEs (SQLite 3.35+ drops a column in place): no table is rebuilt. Locks in force
are not carried over: they last 15 minutes.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_throttle")),
        sa.UniqueConstraint("username", "client", name=op.f("uq_login_throttle_username_client")),
    )
    op.drop_column("users", "failed_logins")
    op.drop_column("users", "locked_until")
    op.add_column(
        "users", sa.Column("tokens_valid_after", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("refresh_tokens", sa.Column("family", sa.String(length=32), nullable=True))
    op.add_column(
        "refresh_tokens", sa.Column("rotated_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.create_index(op.f("ix_refresh_tokens_family"), "refresh_tokens", ["family"])
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(sa.Column("created_by_user_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_api_keys_created_by_user_id_users"), "users", ["created_by_user_id"], ["id"]
        )
    # Keys made before: their maker is named by the actor string ("user:<username>").
    op.execute(
        "UPDATE api_keys SET created_by_user_id = (SELECT users.id FROM users"
        " WHERE 'user:' || users.username = api_keys.created_by)"
    )


def downgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_constraint(op.f("fk_api_keys_created_by_user_id_users"), type_="foreignkey")
        batch.drop_column("created_by_user_id")
    op.drop_index(op.f("ix_refresh_tokens_family"), table_name="refresh_tokens")
    op.drop_column("refresh_tokens", "rotated_at")
    op.drop_column("refresh_tokens", "family")
    op.drop_column("users", "tokens_valid_after")
    op.add_column(
        "users",
        sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"),
    )
    op.add_column("users", sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
    op.drop_table("login_throttle")
