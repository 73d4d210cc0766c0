"""The outbox: every write leaves one row per event in the transaction of its change, the
audit trail is written from the same events, and handlers run only once the change is
committed. On SQLite and, with LIANHU_TEST_DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from domain.kernel.events import Change, Event, handlers
from domain.kernel.org import OrgLevel
from domain.kernel.unit_of_work import UnitOfWork
from domain.registers import services as registers
from domain.registers.events import HouseholdDeleted, MemberCreated, MemberUpdated
from domain.registers.member import Member
from persistence.audit.tables import AuditRow
from persistence.bulk import BULK_ROWS
from persistence.outbox.tables import OutboxRow
from persistence.registers.tables import HouseholdRow, MemberRow
from persistence.unit_of_work import SqlAlchemyUnitOfWork
from tests.builders import AT, ROOT, a_household, a_member, an_org, uow


class Refused(Exception):
    """What the failing handler raises."""


@pytest.fixture
def village(app: FastAPI) -> int:
    county = an_org(app, "示范县", OrgLevel.COUNTY, None, "C")
    town = an_org(app, "清河镇", OrgLevel.TOWNSHIP, county, "T1")
    return an_org(app, "李家村", OrgLevel.VILLAGE, town, "V1")


@pytest.fixture
def failing_after_the_change() -> Iterator[None]:
    """An in-transaction handler that fails: the change and its event are written by then."""

    @handlers.in_transaction(MemberCreated)
    def refuse(events: Sequence[MemberCreated], uow: UnitOfWork) -> None:
        raise Refused("a reaction failed after the change was written")

    yield
    handlers.unsubscribe(refuse)


@pytest.fixture
def heard() -> Iterator[list[Event]]:
    """What an after-commit handler received."""
    received: list[Event] = []

    @handlers.after_commit(Change)
    def listen(event: Change) -> None:
        received.append(event)

    yield received
    handlers.unsubscribe(listen)


def count(app: FastAPI, row: type[OutboxRow] | type[AuditRow] | type[MemberRow]) -> int:
    with app.state.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(row)) or 0)


def outbox(app: FastAPI) -> list[OutboxRow]:
    with app.state.session_factory() as session:
        return list(session.scalars(select(OutboxRow).order_by(OutboxRow.id)))


def test_a_write_that_fails_after_its_change_leaves_neither_change_nor_event(
    app: FastAPI, village: int, failing_after_the_change: None
) -> None:
    members, events, entries = count(app, MemberRow), count(app, OutboxRow), count(app, AuditRow)
    with pytest.raises(Refused):
        registers.create_member(uow(app), ROOT, Member(id=0, org_id=village, name="张三"), at=AT)
    assert count(app, MemberRow) == members
    assert count(app, OutboxRow) == events
    assert count(app, AuditRow) == entries


def test_a_write_leaves_exactly_one_outbox_row_per_event_with_its_audit_entry(
    app: FastAPI, village: int
) -> None:
    before = len(outbox(app))
    member = registers.create_member(
        uow(app), ROOT, Member(id=0, org_id=village, name="张三", phone="13900001111"), at=AT
    )
    rows = outbox(app)[before:]
    assert [(r.type, r.entity, r.entity_id, r.version) for r in rows] == [
        ("MemberCreated", "member", str(member.id), 1)
    ]
    (row,) = rows
    assert (row.actor, row.occurred_at) == (ROOT.actor, AT)
    assert str(row.org_path).endswith(f"/{village}/")
    assert row.payload["after"]["phone"] == "13900001111"
    with app.state.session_factory() as session:
        audit = session.scalars(
            select(AuditRow).where(AuditRow.entity == "member", AuditRow.entity_id == row.entity_id)
        ).all()
    assert [(a.action, a.after["name"] if a.after else None) for a in audit] == [("create", "张三")]


def test_a_group_commit_writes_its_many_events_as_one_event_alone_is_written(
    app: FastAPI, village: int
) -> None:
    """From persistence.bulk.BULK_ROWS events on, the outbox and the audit log are written by
    COPY (a sync batch of 500 visits); every column must read back as the single INSERT of one
    event writes it: the payload's JSON (Chinese, nested, null), the time, the org path."""
    after = {"name": "张三", "phone": "13900001111", "skills": ["电工"], "note": None}

    def emitted(count: int, first_id: int) -> None:
        unit = uow(app)
        with unit:
            for n in range(count):
                unit.emit(
                    MemberCreated(
                        org_path=f"/1/{village}/",
                        actor=ROOT.actor,
                        at=AT,
                        entity_id=first_id + n,
                        version=1,
                        after=after,
                    )
                )
            unit.commit()

    before_rows, before_entries = len(outbox(app)), count(app, AuditRow)
    emitted(1, 900_000)
    emitted(BULK_ROWS + 10, 900_001)
    rows = outbox(app)[before_rows:]
    assert len(rows) == BULK_ROWS + 11
    assert count(app, AuditRow) == before_entries + BULK_ROWS + 11

    def columns(row: OutboxRow) -> tuple[object, ...]:
        return (row.type, row.entity, row.version, row.tombstone, row.org_path, row.left_path)

    alone, *bulk = rows
    assert {columns(r) for r in bulk} == {columns(alone)}
    assert {(r.actor, r.occurred_at, r.request_id) for r in bulk} == {
        (alone.actor, alone.occurred_at, alone.request_id)
    }
    assert alone.occurred_at == AT and alone.payload["after"] == after
    assert all(r.payload == alone.payload for r in bulk)
    assert [int(r.entity_id or 0) for r in rows] == list(range(900_000, 900_000 + len(rows)))
    with app.state.session_factory() as session:
        entries = session.scalars(
            select(AuditRow).where(AuditRow.entity_id.in_([r.entity_id for r in rows]))
        ).all()
    assert {(e.action, e.at, e.org_path, e.before) for e in entries} == {
        ("create", AT, f"/1/{village}/", None)
    }
    assert all(e.after == after for e in entries)


def test_every_change_raises_the_record_version_the_event_names(app: FastAPI, village: int) -> None:
    member_id = a_member(app, village, "张三")
    for phone in ("13900001111", "13900002222"):
        registers.update_member(uow(app), ROOT, member_id, {"phone": phone}, at=AT)
    with app.state.session_factory() as session:
        stored = session.get_one(MemberRow, member_id)
        assert stored.version == 3 and stored.updated_at == AT
    named = [
        (r.type, r.version)
        for r in outbox(app)
        if r.entity == "member" and r.entity_id == str(member_id)
    ]
    assert named == [("MemberCreated", 1), ("MemberUpdated", 2), ("MemberUpdated", 3)]


def test_a_deletion_is_a_tombstone_naming_the_id_and_the_version_it_ends(
    app: FastAPI, village: int
) -> None:
    grid = an_org(app, "第1网格", OrgLevel.GRID, village, "G1")
    household_id = a_household(app, grid, "赵一")
    registers.update_household(uow(app), ROOT, household_id, {"size": 4}, at=AT)
    registers.delete_household(uow(app), ROOT, household_id, at=AT)
    last = outbox(app)[-1]
    assert (last.type, last.tombstone, last.entity_id, last.version) == (
        HouseholdDeleted.type_name(),
        True,
        str(household_id),
        3,
    )
    with app.state.session_factory() as session:
        assert session.get(HouseholdRow, household_id) is None


def test_a_household_moved_to_another_village_names_the_grid_it_left(
    app: FastAPI, village: int
) -> None:
    grid = an_org(app, "第1网格", OrgLevel.GRID, village, "G1")
    other_village = an_org(app, "王家村", OrgLevel.VILLAGE, village - 1, "V2")
    other_grid = an_org(app, "第9网格", OrgLevel.GRID, other_village, "G9")
    household_id = a_household(app, grid, "赵一")
    registers.update_household(uow(app), ROOT, household_id, {"org_id": other_grid}, at=AT)
    last = outbox(app)[-1]
    assert last.type == "HouseholdMoved"
    assert last.left_path is not None and last.left_path.endswith(f"/{grid}/")
    assert last.org_path is not None and last.org_path.endswith(f"/{other_grid}/")


def test_handlers_run_after_the_commit_and_never_for_a_rollback(
    app: FastAPI, village: int, heard: list[Event]
) -> None:
    unit = SqlAlchemyUnitOfWork(app.state.session_factory)
    with unit:
        unit.members.add(Member(id=0, org_id=village, name="未提交"), at=AT)
        unit.emit(MemberCreated(actor="test", at=AT, org_path="/", entity_id=1))
        assert heard == []  # written with the change at commit, heard after it
    assert heard == []  # left uncommitted: rolled back, nobody hears of it

    seen_committed: list[bool] = []

    @handlers.after_commit(MemberUpdated)
    def check(event: MemberUpdated) -> None:  # the change is there for anyone to read
        with app.state.session_factory() as session:
            stored = session.get_one(MemberRow, int(str(event.entity_id)))
            seen_committed.append(stored.phone == "13900009999")

    try:
        member_id = a_member(app, village, "张三")
        registers.update_member(uow(app), ROOT, member_id, {"phone": "13900009999"}, at=AT)
    finally:
        handlers.unsubscribe(check)
    assert [type(e).__name__ for e in heard] == ["MemberCreated", "MemberUpdated"]
    assert seen_committed == [True]


def test_a_failing_after_commit_handler_leaves_the_change_standing(
    app: FastAPI, village: int
) -> None:
    @handlers.after_commit(MemberCreated)
    def broken(event: MemberCreated) -> None:
        raise RuntimeError("a notification could not be sent")

    try:
        before = count(app, MemberRow)
        a_member(app, village, "张三")
    finally:
        handlers.unsubscribe(broken)
    assert count(app, MemberRow) == before + 1


def test_events_of_a_failed_unit_in_a_batch_are_undone_with_it(
    app: FastAPI, village: int, heard: list[Event]
) -> None:
    @handlers.in_transaction(MemberCreated)
    def refuse_one(events: Sequence[MemberCreated], uow: UnitOfWork) -> None:
        if any(getattr(e.after, "name", None) == "撤销" for e in events):
            raise Refused("this unit fails after its change and event were written")

    unit = SqlAlchemyUnitOfWork(app.state.session_factory)
    try:
        with unit.batch():
            for name in ("保留一", "撤销", "保留二"):
                with contextlib.suppress(Refused):
                    registers.create_member(
                        unit, ROOT, Member(id=0, org_id=village, name=name), at=AT
                    )
    finally:
        handlers.unsubscribe(refuse_one)
    names = [r.payload["after"]["name"] for r in outbox(app) if r.type == "MemberCreated"]
    assert names == ["保留一", "保留二"]
    assert [getattr(e, "after", None) and e.after.name for e in heard] == ["保留一", "保留二"]  # type: ignore[attr-defined]
    with app.state.session_factory() as session:
        assert session.scalar(select(func.count()).where(MemberRow.name == "撤销")) == 0


def test_the_outbox_refuses_updates_and_deletes_at_the_database(app: FastAPI, village: int) -> None:
    a_member(app, village, "张三")
    for statement in ("UPDATE outbox SET actor = 'y'", "DELETE FROM outbox"):
        with app.state.engine.connect() as conn, pytest.raises(DBAPIError):
            conn.execute(text(statement))
            conn.commit()
