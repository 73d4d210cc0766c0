"""Bulk writers for validated imports: COPY on PostgreSQL, executemany on SQLite.

Records arrive as the tuples of ``domain.importing``; the first field is the id of the stored
record to update, or None for a new one. Everything happens in the caller's transaction, so an
import is all-or-nothing.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from domain.kernel.access import Scope
from domain.kernel.org import OrgLevel, path_of
from domain.kernel.time import local_date
from domain.registers.household import CategoryCatalog, PersonalFields
from domain.transfer.importing import (
    Existing,
    HouseholdRecord,
    ImportContext,
    ImportKind,
    ImportRecord,
    MemberRecord,
    OrgRef,
    OrgUnitRecord,
)
from persistence.assignment.tables import AssignmentRow
from persistence.bulk import (
    copy_csv,
    is_postgres,
    sqlite_connection,
    sqlite_dates,
    sqlite_time,
    update_from,
)
from persistence.org.store import SqlOrgRepository, org_to_domain
from persistence.org.tables import OrgUnitRow
from persistence.registers.tables import (
    CategoryRow,
    HouseholdRow,
    MemberRow,
    decode_categories,
    encode_categories,
)

_HOUSEHOLD_COLS = (
    "org_id",
    "head_name",
    "building",
    "address",
    "size",
    "phone",
    "lat",
    "lng",
    "categories",
    "external_id",
)
_MEMBER_COLS = (
    "org_id",
    "name",
    "role",
    "gender",
    "birth_date",
    "phone",
    "lat",
    "lng",
    "skills",
    "in_service",
    "reported_community_id",
    "exempt_reason",
    "exempt_decided_by",
    "exempt_decided_on",
    "exempt_note",
    "external_id",
)


class SqlBulkStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def context(self, kind: ImportKind, scope: Scope, *, today: date) -> ImportContext:
        return load_context(self.session, kind, scope, today)

    def write(
        self, kind: ImportKind, records: Iterator[ImportRecord], *, at: datetime
    ) -> tuple[int, int]:
        with _gc_paused():
            return write(self.session, kind, records, at=at)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """A city's import allocates millions of small strings and tuples, none of them cyclic;
    the cyclic collector would walk them again and again (a third of the import's time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_context(session: Session, kind: ImportKind, scope: Scope, today: date) -> ImportContext:
    orgs: dict[str, OrgRef] = {}
    path_by_id: dict[int, str] = {}
    for id_, code, level, path in session.execute(
        select(OrgUnitRow.id, OrgUnitRow.code, OrgUnitRow.level, OrgUnitRow.path)
    ):
        path_by_id[id_] = path
        if code is not None:
            orgs[code] = OrgRef(id_, OrgLevel(level), path)
    existing: dict[str, Existing] = {}
    if kind is ImportKind.HOUSEHOLDS:
        table: type[HouseholdRow] | type[MemberRow] = HouseholdRow
    elif kind is ImportKind.MEMBERS:
        table = MemberRow
    else:
        table = HouseholdRow
    if kind is ImportKind.HOUSEHOLDS and not scope.sees_personal_data:
        # the stored personal fields such a caller sends back masked (PersonalFields)
        h = HouseholdRow
        for id_, ext, org_id, phone, address, lat, lng, cats in session.execute(
            select(
                h.id, h.external_id, h.org_id, h.phone, h.address, h.lat, h.lng, h.categories
            ).where(h.external_id.is_not(None))
        ):
            if ext is not None:
                existing[ext] = Existing(
                    id_,
                    path_by_id[org_id],
                    PersonalFields(phone, address, lat, lng, decode_categories(cats)),
                )
    elif kind is ImportKind.MEMBERS and not scope.sees_personal_data:
        m = MemberRow
        for id_, ext, org_id, phone, lat, lng in session.execute(
            select(m.id, m.external_id, m.org_id, m.phone, m.lat, m.lng).where(
                m.external_id.is_not(None)
            )
        ):
            if ext is not None:
                existing[ext] = Existing(
                    id_, path_by_id[org_id], PersonalFields(phone, None, lat, lng, frozenset())
                )
    elif kind is not ImportKind.ORG_UNITS:
        for id_, ext, org_id in session.execute(
            select(table.id, table.external_id, table.org_id).where(table.external_id.is_not(None))
        ):
            if ext is not None:
                existing[ext] = Existing(id_, path_by_id[org_id])
    extras = {r.code: r.label for r in session.scalars(select(CategoryRow))}
    return ImportContext(
        scope=scope,
        orgs_by_code=orgs,
        existing=existing,
        catalog=CategoryCatalog.with_extras(extras),
        today=today,
    )


def write(
    session: Session, kind: ImportKind, records: Iterator[ImportRecord], *, at: datetime
) -> tuple[int, int]:
    """Write records as they are validated; returns (created, updated). The caller's
    transaction makes it all-or-nothing: the validator stops yielding at the first bad row and
    the caller rolls back."""
    tally = _Tally(records)
    # The validator of ``kind`` yields records of that kind only.
    if kind is ImportKind.HOUSEHOLDS:
        _write_households(session, cast(Iterable[HouseholdRecord], tally), at)
    elif kind is ImportKind.MEMBERS:
        _write_members(session, cast(Iterable[MemberRecord], tally), at)
    else:
        _write_org_units(session, cast(list[OrgUnitRecord], list(tally)), at)
    large = tally.created + tally.updated >= BULK_LOAD_ROWS
    if is_postgres(session) and (large or kind is ImportKind.ORG_UNITS):
        # Fresh statistics at once (as after pg_restore): with a city's rows but yesterday's
        # statistics the planner takes a village for the whole table and scans it.
        session.execute(text(f"ANALYZE {_TABLES[kind]}"))
    return tally.created, tally.updated


class _Tally:
    """Counts new and existing records (first field: the stored id or None) as they pass."""

    def __init__(self, records: Iterator[ImportRecord]) -> None:
        self.records, self.created, self.updated = records, 0, 0

    def __iter__(self) -> Iterator[ImportRecord]:
        for record in self.records:
            if record.id is None:
                self.created += 1
            else:
                self.updated += 1
            yield record


def _write_households(session: Session, records: Iterable[HouseholdRecord], at: datetime) -> None:
    """New households stream straight into the table by COPY (PostgreSQL) or executemany
    (SQLite); changed ones are collected and updated in one statement."""
    changed: list[HouseholdRecord] = []

    def new_rows() -> Iterator[tuple[Any, ...]]:
        for r in records:
            if r.id is None:
                yield _household_values(r)
            else:
                changed.append(r)

    if is_postgres(session):
        stamp = at.isoformat()
        rows = new_rows()
        first = list(itertools.islice(rows, BULK_LOAD_ROWS))
        with _grid_check_deferred(session, enabled=len(first) == BULK_LOAD_ROWS):
            copy_csv(
                session,
                "households",
                (*_HOUSEHOLD_COLS, "created_at", "updated_at"),
                ((*v, stamp, stamp) for v in itertools.chain(first, rows)),
                empty_not_null=("categories",),
            )
        _end_moved_assignments(session, changed, at)
        update_from(
            session,
            "households",
            ("id", *_HOUSEHOLD_COLS, "updated_at"),
            [(r.id, *_household_values(r), at) for r in changed],
            empty_not_null=("categories",),
        )
        return
    conn = sqlite_connection(session)
    stamp = sqlite_time(at)
    marks = ",".join("?" * (len(_HOUSEHOLD_COLS) + 2))
    conn.executemany(
        f"INSERT INTO households ({','.join(_HOUSEHOLD_COLS)}, created_at, updated_at) "
        f"VALUES ({marks})",
        ((*v, stamp, stamp) for v in new_rows()),
    )
    _end_moved_assignments(session, changed, at)
    sets = ",".join(f"{c}=?" for c in _HOUSEHOLD_COLS)
    conn.executemany(
        f"UPDATE households SET {sets}, updated_at=?, version=version+1 WHERE id=?",
        ((*_household_values(r), stamp, r.id) for r in changed),
    )


def _end_moved_assignments(
    session: Session, changed: Sequence[HouseholdRecord], at: datetime
) -> None:
    """End the assignment of each household the import moves to a grid of another village, as
    moving it through the API does (domain.registers.services): rosters are made village by
    village, and its member's village no longer holds it. Read before the rows are updated."""
    if not changed:
        return
    grids = dict(
        session.execute(
            select(OrgUnitRow.id, OrgUnitRow.parent_id).where(
                OrgUnitRow.level == OrgLevel.GRID.value
            )
        ).all()
    )
    to = {r.id: r.org_id for r in changed}  # id → the grid it is given
    ids = list(to)
    moved: list[int] = []
    for start in range(0, len(ids), 5000):
        for household_id, org_id in session.execute(
            select(HouseholdRow.id, HouseholdRow.org_id).where(
                HouseholdRow.id.in_(ids[start : start + 5000])
            )
        ):
            if org_id != to[household_id] and grids.get(org_id) != grids.get(to[household_id]):
                moved.append(household_id)
    on = local_date(at)
    for start in range(0, len(moved), 5000):
        session.execute(
            update(AssignmentRow)
            .where(
                AssignmentRow.household_id.in_(moved[start : start + 5000]),
                AssignmentRow.ended_on.is_(None),
            )
            .values(ended_on=on, updated_at=at, version=AssignmentRow.version + 1)
            .execution_options(synchronize_session=False)
        )


_TABLES = {
    ImportKind.HOUSEHOLDS: "households",
    ImportKind.MEMBERS: "members",
    ImportKind.ORG_UNITS: "org_units",
}

# From this many new households on, an import is a bulk load (a city's first registers).
BULK_LOAD_ROWS = 50_000
_HOUSEHOLD_GRID_FK = (
    "ALTER TABLE households ADD CONSTRAINT fk_households_org_id_org_units "
    "FOREIGN KEY (org_id) REFERENCES org_units (id)"
)


@contextlib.contextmanager
def _grid_check_deferred(session: Session, *, enabled: bool) -> Iterator[None]:
    """For a bulk load, check households' grids once for the whole set instead of row by row.

    The foreign key is dropped inside the import's transaction and added back after the COPY,
    which validates every row in one join (as pg_restore does): the per-row check is two fifths
    of the server's work. The transaction holds households exclusively meanwhile, so readers
    wait for a city-size load (seconds) instead of seeing half of it; smaller imports keep the
    per-row check and never block readers. Either way a bad grid id fails the whole import.
    """
    if not enabled:
        yield
        return
    session.execute(text("ALTER TABLE households DROP CONSTRAINT fk_households_org_id_org_units"))
    yield
    session.execute(text(_HOUSEHOLD_GRID_FK))


def _household_values(r: HouseholdRecord) -> tuple[Any, ...]:
    """The columns of _HOUSEHOLD_COLS, in their order."""
    return (
        r.org_id,
        r.head,
        r.building,
        r.address,
        r.size,
        r.phone,
        r.lat,
        r.lng,
        encode_categories(r.categories),
        r.external_id,
    )


def _member_values(r: MemberRecord) -> tuple[Any, ...]:
    """The columns of _MEMBER_COLS, in their order."""
    return (
        r.org_id,
        r.name,
        r.role,
        r.gender,
        r.birth,
        r.phone,
        r.lat,
        r.lng,
        r.skills,
        r.in_service,
        r.reported_org_id,
        r.exempt_reason,
        r.exempt_by,
        r.exempt_on,
        r.exempt_note,
        r.external_id,
    )


def _write_members(session: Session, records: Iterable[MemberRecord], at: datetime) -> None:
    changed: list[MemberRecord] = []

    def new_rows() -> Iterator[tuple[Any, ...]]:
        for r in records:
            if r.id is None:
                yield _member_values(r)
            else:
                changed.append(r)

    if is_postgres(session):
        stamp = at.isoformat()
        copy_csv(
            session,
            "members",
            (*_MEMBER_COLS, "created_at", "updated_at"),
            ((*v, stamp, stamp) for v in new_rows()),
            empty_not_null=("skills",),
        )
        update_from(
            session,
            "members",
            ("id", *_MEMBER_COLS, "updated_at"),
            [(r.id, *_member_values(r), at) for r in changed],
            empty_not_null=("skills",),
        )
        return
    conn = sqlite_connection(session)
    stamp = sqlite_time(at)
    marks = ",".join("?" * (len(_MEMBER_COLS) + 2))
    conn.executemany(
        f"INSERT INTO members ({','.join(_MEMBER_COLS)}, created_at, updated_at) VALUES ({marks})",
        ((*sqlite_dates(v), stamp, stamp) for v in new_rows()),
    )
    sets = ",".join(f"{c}=?" for c in _MEMBER_COLS)
    conn.executemany(
        f"UPDATE members SET {sets}, updated_at=?, version=version+1 WHERE id=?",
        ((*sqlite_dates(_member_values(r)), stamp, r.id) for r in changed),
    )


def _write_org_units(session: Session, records: list[OrgUnitRecord], at: datetime) -> None:
    """New units are inserted a tree level at a time (one batched INSERT per level, then their
    paths, which hold their own ids); changed units are updated in place, and a unit given a
    new parent moves with its subtree through the same rewrite as the API."""
    repo = SqlOrgRepository(session)
    repo.lock_tree()  # paths are read below and written from them: no move in between
    by_code = {row.code: row for row in session.scalars(select(OrgUnitRow))}
    changed = [r for r in records if r.id is not None]
    for _id, code, name, level, parent_code, external_id in changed:
        row = by_code[code]
        row.name, row.external_id, row.level, row.updated_at = name, external_id, level, at
        row.version = OrgUnitRow.version + 1
        parent = by_code.get(parent_code) if parent_code else None
        if (parent.id if parent else None) != row.parent_id:
            unit = org_to_domain(row)
            moved = unit.moved_under(org_to_domain(parent) if parent else None)
            session.flush()
            repo.move_subtree(unit, moved, at=at)
            by_code = {r.code: r for r in session.scalars(select(OrgUnitRow))}
    pending = [r for r in records if r.id is None]
    while pending:
        ready = [r for r in pending if r.parent_code is None or r.parent_code in by_code]
        if not ready:  # the validator orders parents first; this cannot loop
            raise RuntimeError("org units without a parent to hang on")
        rows = [
            OrgUnitRow(
                name=name,
                level=level,
                code=code,
                external_id=external_id,
                parent_id=by_code[parent].id if parent else None,
                path="/",
                created_at=at,
                updated_at=at,
            )
            for _id, code, name, level, parent, external_id in ready
        ]
        session.add_all(rows)
        session.flush()  # one batched INSERT … RETURNING for the whole level
        for row, record in zip(rows, ready, strict=True):
            parent = by_code.get(record.parent_code) if record.parent_code else None
            row.path = path_of(parent.path if parent else None, row.id)
            by_code[row.code or ""] = row
        session.flush()
        taken = {r.code for r in ready}
        pending = [r for r in pending if r.code not in taken]
