"""The schema comes from Alembic and matches the models on both databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from persistence.engine import make_engine
from persistence.migrations import alembic_config, head_revision
from persistence.schema import metadata


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


def test_0012_rebuilds_sqlite_tables_with_autoincrement_keeping_rows_and_triggers(
    tmp_path: Path,
) -> None:
    """Migration 0012 on a SQLite database with data: every row kept (a rebuild with foreign
    keys enforced would have cascaded a household's deletion to its visits), the triggers of
    0001/0007/0010 in place and working, and from then on no id given twice."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(alembic_config(url), "0010")
    engine = make_engine(url, one_off=True)
    at = "2026-11-20 02:00:00"
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO org_units (id, name, level, path, created_at, updated_at) "
                "VALUES (1, '县', 'county', '/1/', :at, :at), (2, '格', 'grid', '/1/2/', :at, :at)"
            ),
            {"at": at},
        )
        conn.execute(
            text(
                "INSERT INTO members (id, org_id, name, role, skills, in_service, created_at, "
                "updated_at) VALUES (1, 1, '张三', 'member', '', 0, :at, :at)"
            ),
            {"at": at},
        )
        for hid in (1, 2, 3):
            conn.execute(
                text(
                    "INSERT INTO households (id, org_id, head_name, size, categories, created_at, "
                    "updated_at) VALUES (:id, 2, '户', 1, '', :at, :at)"
                ),
                {"id": hid, "at": at},
            )
        conn.execute(
            text(
                "INSERT INTO visits (member_id, household_id, visited_at, mode, notes, flags, "
                "checklist, created_by, created_at) "
                "VALUES (1, 2, :at, 'home', '', '[]', '[]', 'x', :at)"
            ),
            {"at": at},
        )
        conn.execute(text("DELETE FROM households WHERE id = 3"))
    before = _triggers(engine)
    engine.dispose()

    command.upgrade(alembic_config(url), "0013")

    engine = make_engine(url, one_off=True)
    assert _triggers(engine) == before and len(before) == 5
    with engine.begin() as conn:
        for table in ("org_units", "members", "households", "visits", "audit_log"):
            sql = conn.execute(
                text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t"),
                {"t": table},
            ).scalar_one()
            assert "AUTOINCREMENT" in sql, table
        assert conn.execute(text("SELECT count(*) FROM visits")).scalar_one() == 1
        assert conn.execute(text("SELECT count(*) FROM households")).scalar_one() == 2
        assert conn.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
        # the last-visit trigger still keeps households.last_visited_at
        conn.execute(
            text(
                "INSERT INTO visits (member_id, household_id, visited_at, mode, notes, flags, "
                "checklist, created_by, created_at) "
                "VALUES (1, 1, '2026-11-21 02:00:00', 'home', '', '[]', '[]', 'x', :at)"
            ),
            {"at": at},
        )
        last = conn.execute(text("SELECT last_visited_at FROM households WHERE id = 1"))
        assert str(last.scalar_one()).startswith("2026-11-21")
        conn.execute(
            text(
                "INSERT INTO households (org_id, head_name, size, categories, created_at, "
                "updated_at) VALUES (2, '新户', 1, '', :at, :at)"
            ),
            {"at": at},
        )
        newest = conn.execute(text("SELECT max(id) FROM households")).scalar_one()
        conn.execute(text("DELETE FROM households WHERE id = :id"), {"id": newest})
        conn.execute(
            text(
                "INSERT INTO households (org_id, head_name, size, categories, created_at, "
                "updated_at) VALUES (2, '又一户', 1, '', :at, :at)"
            ),
            {"at": at},
        )
        assert conn.execute(text("SELECT max(id) FROM households")).scalar_one() > newest
    with engine.connect() as conn:  # the audit log is append-only still
        conn.execute(
            text(
                "INSERT INTO audit_log (at, actor, action, entity) "
                "VALUES (CURRENT_TIMESTAMP, 'x', 'create', 'test')"
            )
        )
        conn.commit()
        with pytest.raises(DBAPIError):
            conn.execute(text("DELETE FROM audit_log"))
    engine.dispose()


def test_0014_gives_existing_records_a_version_and_updated_at_and_keeps_triggers(
    tmp_path: Path,
) -> None:
    """Migration 0014 on a SQLite database with data: every mirrored record starts at version
    1, the tables without an updated_at take it from when the record was made, no table is
    rebuilt (the triggers and AUTOINCREMENT stay), and the outbox is append-only."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(alembic_config(url), "0013")
    engine = make_engine(url, one_off=True)
    at = "2026-11-20 02:00:00.000000"
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO org_units (id, name, level, path, created_at, updated_at) "
                "VALUES (1, '县', 'county', '/1/', :at, :at), (2, '格', 'grid', '/1/2/', :at, :at)"
            ),
            {"at": at},
        )
        conn.execute(
            text(
                "INSERT INTO members (id, org_id, name, role, skills, in_service, created_at, "
                "updated_at) VALUES (1, 1, '张三', 'member', '', 0, :at, :at)"
            ),
            {"at": at},
        )
        conn.execute(
            text(
                "INSERT INTO households (id, org_id, head_name, size, categories, created_at, "
                "updated_at) VALUES (1, 2, '户', 1, '', :at, :at)"
            ),
            {"at": at},
        )
        conn.execute(
            text(
                "INSERT INTO assignments (member_id, household_id, started_on, reasons) "
                "VALUES (1, 1, '2026-11-01', '')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO must_attend_events (household_id, member_id, kind, note, "
                "reported_by, reported_at, deadline) VALUES (1, 1, '生病住院', '', 'x', :at, :at)"
            ),
            {"at": at},
        )
    before = _triggers(engine)
    engine.dispose()

    command.upgrade(alembic_config(url), "0014")

    engine = make_engine(url, one_off=True)
    assert set(_triggers(engine)) == set(before) | {
        ("outbox_no_delete", "outbox"),
        ("outbox_no_update", "outbox"),
    }
    with engine.begin() as conn:
        for table in ("org_units", "members", "households", "assignments", "must_attend_events"):
            assert conn.execute(text(f"SELECT DISTINCT version FROM {table}")).all() == [(1,)]
            sql = conn.execute(
                text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t"),
                {"t": table},
            ).scalar_one()
            assert "AUTOINCREMENT" in sql, table
        started = conn.execute(text("SELECT updated_at FROM assignments")).scalar_one()
        assert started == "2026-11-01 00:00:00.000000"
        reported = conn.execute(text("SELECT updated_at FROM must_attend_events")).scalar_one()
        assert reported == at
        conn.execute(
            text(
                "INSERT INTO outbox (type, entity, tombstone, actor, occurred_at, payload) "
                "VALUES ('Test', 'test', 0, 'x', :at, '{}')"
            ),
            {"at": at},
        )
    with engine.connect() as conn, pytest.raises(DBAPIError):
        conn.execute(text("DELETE FROM outbox"))
    engine.dispose()


def _triggers(engine: Engine) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        return [
            (str(name), str(table))
            for name, table in conn.execute(
                text(
                    "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
                )
            )
        ]
