"""The shared test county (tests/e2e/county.py) never rebuilds itself silently: a case that
leaves its registers changed is reported, so a refused write that wrote something fails."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from tests.e2e.county import SharedCounty


def test_a_changed_shared_county_is_reported_by_table_then_built_afresh(
    _template: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    shared = SharedCounty(_template, Path(tmp_path_factory.mktemp("county")))
    try:
        county = shared.get()
        assert shared.changes() == []  # untouched: kept as it is
        assert shared.get() is county and shared.builds == 1
        with county.app.state.session_factory() as session:
            session.execute(
                text("UPDATE households SET size = size + 1 WHERE id = :id"),
                {"id": county.household["H1"]},
            )
            session.commit()
        assert shared.changes() == ["households"]
        fresh = shared.get()
        assert fresh is not county and shared.builds == 2
        assert shared.changes() == []
    finally:
        shared.close()
