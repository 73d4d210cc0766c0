"""households.last_visited_at is kept by database triggers on visits (migration 0007), on both
databases: many visits in one INSERT, an older visit logged late, an edit that moves a visit's
time, and the household's other columns left as they were."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi import FastAPI
from sqlalchemy import insert, select, update

from persistence.registers.tables import HouseholdRow
from persistence.visits.tables import VisitRow
from tests.builders import AT, World


def row(world: World, household: str, at: datetime) -> dict[str, object]:
    return {
        "member_id": world.member["m1"],
        "household_id": world.household[household],
        "visited_at": at,
        "mode": "home",
        "notes": "",
        "flags": [],
        "checklist": [],
        "created_by": "test",
        "created_at": AT,
    }


def last_visited(app: FastAPI) -> dict[int, datetime | None]:
    with app.state.session_factory() as session:
        return dict(session.execute(select(HouseholdRow.id, HouseholdRow.last_visited_at)).all())


def test_one_insert_of_many_visits_keeps_each_households_latest(app: FastAPI, world: World) -> None:
    h1, h2, h3 = (world.household[k] for k in ("h1", "h2", "h3"))
    before = last_visited(app)
    assert before[h1] is None and before[h2] is None
    with app.state.session_factory() as session:
        session.execute(
            insert(VisitRow),
            [
                row(world, "h1", AT - timedelta(days=3)),
                row(world, "h1", AT - timedelta(days=1)),
                row(world, "h2", AT - timedelta(days=9)),
            ],
        )
        session.commit()
    after = last_visited(app)
    assert after[h1] == AT - timedelta(days=1)
    assert after[h2] == AT - timedelta(days=9)
    assert after[h3] is None  # not visited: untouched
    # a visit made offline weeks ago and synced now does not move the latest back
    with app.state.session_factory() as session:
        session.execute(insert(VisitRow), [row(world, "h1", AT - timedelta(days=20))])
        session.commit()
    assert last_visited(app)[h1] == AT - timedelta(days=1)


def test_an_edit_that_moves_a_visit_recomputes_the_latest(app: FastAPI, world: World) -> None:
    h1 = world.household["h1"]
    with app.state.session_factory() as session:
        ids = session.scalars(
            insert(VisitRow).returning(VisitRow.id, sort_by_parameter_order=True),
            [row(world, "h1", AT - timedelta(days=5)), row(world, "h1", AT - timedelta(days=2))],
        ).all()
        session.commit()
    assert last_visited(app)[h1] == AT - timedelta(days=2)
    with app.state.session_factory() as session:
        # the latest visit's time was mistyped: it was a week earlier
        session.execute(
            update(VisitRow).where(VisitRow.id == ids[1]).values(visited_at=AT - timedelta(days=9))
        )
        session.commit()
    assert last_visited(app)[h1] == AT - timedelta(days=5)
    with app.state.session_factory() as session:
        # an edit of the notes alone leaves it as it is
        session.execute(update(VisitRow).where(VisitRow.id == ids[0]).values(notes="补记"))
        session.commit()
    assert last_visited(app)[h1] == AT - timedelta(days=5)


def test_the_trigger_leaves_the_households_other_columns_alone(app: FastAPI, world: World) -> None:
    h1 = world.household["h1"]
    with app.state.session_factory() as session:
        updated = session.scalar(select(HouseholdRow.updated_at).where(HouseholdRow.id == h1))
        session.execute(insert(VisitRow), [row(world, "h1", AT - timedelta(hours=1))])
        session.commit()
        # the sync pull's cursor reads updated_at: a visit is pulled as a visit, not as a
        # change of the household
        assert session.scalar(select(HouseholdRow.updated_at).where(HouseholdRow.id == h1)) == (
            updated
        )
