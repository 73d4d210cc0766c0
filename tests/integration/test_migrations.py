"""The schema comes from Alembic and matches the models on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from persistence.engine import make_engine
from persistence.migrations import head_revision
from persistence.tables import metadata


def test_the_migrated_schema_matches_the_models(db_url: str) -> None:
    engine = make_engine(db_url, one_off=True)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(ctx, metadata) == []
        assert ctx.get_current_revision() == head_revision()
    engine.dispose()


def test_the_audit_log_refuses_updates_and_deletes_at_the_database(db_url: str) -> None:
    engine = make_engine(db_url, one_off=True)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO audit_log (at, actor, action, entity) "
                "VALUES (CURRENT_TIMESTAMP, 'x', 'create', 'test')"
            )
        )
    for statement in ("UPDATE audit_log SET actor = 'y'", "DELETE FROM audit_log"):
        with engine.connect() as conn:
            try:
                conn.execute(text(statement))
                conn.commit()
                raised = False
            except Exception:
                raised = True
        assert raised, statement
    engine.dispose()
