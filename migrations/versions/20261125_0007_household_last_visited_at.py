"""households.last_visited_at, kept by triggers on visits

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 15:20:00

An area's compliance (share of households visited within the cadence) and a member's due list
need each household's latest visit. Aggregating the visits table for that costs a county
hundreds of milliseconds at 5,000,000 visits (bench-field); the column answers it from the
households alone. Triggers keep it, so every path that writes visits (online logging, offline
sync, amendments, edits that move the time, bulk loads) keeps it without knowing of it.

PostgreSQL: statement-level triggers with transition tables, one UPDATE per statement however
many visits it inserts (a sync batch, a bulk load). SQLite: row-level triggers. Visits are only
ever deleted with their household (ON DELETE CASCADE), so there is no delete trigger.
A later SQLite batch migration that rebuilds the visits table drops its triggers: it must
create them again (SQLITE_UP).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PG_UP = [
    """
    CREATE FUNCTION visits_raise_last_visited() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE households AS h SET last_visited_at = n.at
        FROM (SELECT household_id, max(visited_at) AS at FROM new_visits GROUP BY household_id) n
        WHERE h.id = n.household_id AND (h.last_visited_at IS NULL OR h.last_visited_at < n.at);
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION visits_recompute_last_visited() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE households AS h
        SET last_visited_at = (SELECT max(v.visited_at) FROM visits v WHERE v.household_id = h.id)
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
    """,
    """
    CREATE TRIGGER visits_last_visited_insert AFTER INSERT ON visits
    REFERENCING NEW TABLE AS new_visits
    FOR EACH STATEMENT EXECUTE FUNCTION visits_raise_last_visited()
    """,
    """
    CREATE TRIGGER visits_last_visited_update AFTER UPDATE ON visits
    REFERENCING OLD TABLE AS old_visits NEW TABLE AS new_visits
    FOR EACH STATEMENT EXECUTE FUNCTION visits_recompute_last_visited()
    """,
]
PG_DOWN = [
    "DROP TRIGGER visits_last_visited_update ON visits",
    "DROP TRIGGER visits_last_visited_insert ON visits",
    "DROP FUNCTION visits_recompute_last_visited()",
    "DROP FUNCTION visits_raise_last_visited()",
]
SQLITE_UP = [
    """
    CREATE TRIGGER visits_last_visited_insert AFTER INSERT ON visits BEGIN
        UPDATE households SET last_visited_at = NEW.visited_at
        WHERE id = NEW.household_id
          AND (last_visited_at IS NULL OR last_visited_at < NEW.visited_at);
    END
    """,
    """
    CREATE TRIGGER visits_last_visited_update AFTER UPDATE OF visited_at, household_id ON visits
    BEGIN
        UPDATE households
        SET last_visited_at = (
            SELECT max(visited_at) FROM visits WHERE visits.household_id = households.id
        )
        WHERE id IN (OLD.household_id, NEW.household_id);
    END
    """,
]
SQLITE_DOWN = [
    "DROP TRIGGER visits_last_visited_update",
    "DROP TRIGGER visits_last_visited_insert",
]
BACKFILL = """
UPDATE households SET last_visited_at = (
    SELECT max(visits.visited_at) FROM visits WHERE visits.household_id = households.id
)
"""


def upgrade() -> None:
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_visited_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(BACKFILL)
    for statement in PG_UP if op.get_context().dialect.name == "postgresql" else SQLITE_UP:
        op.execute(statement)


def downgrade() -> None:
    for statement in PG_DOWN if op.get_context().dialect.name == "postgresql" else SQLITE_DOWN:
        op.execute(statement)
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.drop_column("last_visited_at")
