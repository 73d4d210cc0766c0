"""An amendment (补充更正) supersedes the visit it corrects in everything derived from visits

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 06:30:00

The original stays on record, unchanged; the amendment carries the corrected figures (a time
moved earlier, a checklist item taken back). households.last_visited_at (migration 0007) is the
latest visit that no amendment points at: kept by the triggers, which are replaced here to
leave superseded visits out, plus one on inserting an amendment; the households with amended
visits are computed again. A partial index finds the few visits that are amended.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The latest visit of household h that no amendment supersedes.
LATEST = """(
    SELECT max(v.visited_at) FROM visits v
    WHERE v.household_id = {h}
      AND NOT EXISTS (SELECT 1 FROM visits a WHERE a.amends_id = v.id)
)"""
# 0007's, for the downgrade: the latest visit of all.
LATEST_0007 = "(SELECT max(v.visited_at) FROM visits v WHERE v.household_id = {h})"


def _pg(latest: str) -> list[str]:
    return [
        f"""
        CREATE OR REPLACE FUNCTION visits_recompute_last_visited() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE households AS h SET last_visited_at = {latest.format(h="h.id")}
            WHERE h.id IN (
                SELECT o.household_id FROM old_visits o JOIN new_visits n ON n.id = o.id
                WHERE o.visited_at IS DISTINCT FROM n.visited_at
                   OR o.household_id IS DISTINCT FROM n.household_id
                UNION
                SELECT n.household_id FROM old_visits o JOIN new_visits n ON n.id = o.id
                WHERE o.visited_at IS DISTINCT FROM n.visited_at
                   OR o.household_id IS DISTINCT FROM n.household_id
            );
            RETURN NULL;
        END $$
        """
    ]


PG_UP = [
    *_pg(LATEST),
    f"""
    CREATE FUNCTION visits_amended_last_visited() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE households AS h SET last_visited_at = {LATEST.format(h="h.id")}
        WHERE h.id IN (SELECT household_id FROM new_visits WHERE amends_id IS NOT NULL);
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER visits_last_visited_amend AFTER INSERT ON visits
    REFERENCING NEW TABLE AS new_visits
    FOR EACH STATEMENT EXECUTE FUNCTION visits_amended_last_visited()
    """,
]
PG_DOWN = [
    "DROP TRIGGER visits_last_visited_amend ON visits",
    "DROP FUNCTION visits_amended_last_visited()",
    *_pg(LATEST_0007),
]


def _sqlite_update(latest: str) -> list[str]:
    return [
        "DROP TRIGGER visits_last_visited_update",
        f"""
        CREATE TRIGGER visits_last_visited_update AFTER UPDATE OF visited_at, household_id
        ON visits BEGIN
            UPDATE households SET last_visited_at = {latest.format(h="households.id")}
            WHERE id IN (OLD.household_id, NEW.household_id);
        END
        """,
    ]


SQLITE_UP = [
    *_sqlite_update(LATEST),
    f"""
    CREATE TRIGGER visits_last_visited_amend AFTER INSERT ON visits
    WHEN NEW.amends_id IS NOT NULL BEGIN
        UPDATE households SET last_visited_at = {LATEST.format(h="households.id")}
        WHERE id = NEW.household_id;
    END
    """,
]
SQLITE_DOWN = ["DROP TRIGGER visits_last_visited_amend", *_sqlite_update(LATEST_0007)]


def _recompute(latest: str) -> str:
    return f"""
    UPDATE households SET last_visited_at = {latest.format(h="households.id")}
    WHERE id IN (SELECT household_id FROM visits WHERE amends_id IS NOT NULL)
    """


def upgrade() -> None:
    op.create_index(
        "ix_visits_amends_id",
        "visits",
        ["amends_id"],
        postgresql_where=sa.text("amends_id IS NOT NULL"),
        sqlite_where=sa.text("amends_id IS NOT NULL"),
    )
    for statement in PG_UP if op.get_context().dialect.name == "postgresql" else SQLITE_UP:
        op.execute(statement)
    op.execute(_recompute(LATEST))


def downgrade() -> None:
    for statement in PG_DOWN if op.get_context().dialect.name == "postgresql" else SQLITE_DOWN:
        op.execute(statement)
    op.execute(_recompute(LATEST_0007))
    op.drop_index("ix_visits_amends_id", table_name="visits")
