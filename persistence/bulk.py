"""Bulk writers for validated imports: COPY on PostgreSQL, executemany on SQLite.

Records arrive as the tuples of ``domain.importing``; the first field is the id of the stored
record to update, or None for a new one. Everything happens in the caller's transaction, so an
import is all-or-nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from domain.access import Scope
from domain.household import CategoryCatalog
from domain.importing import Existing, ImportContext, ImportKind, OrgRef, Report
from domain.org import OrgLevel, path_of
from persistence.repositories import SqlOrgRepository, org_to_domain
from persistence.tables import CategoryRow, HouseholdRow, MemberRow, OrgUnitRow

_HOUSEHOLD_COLS = (
    "org_id",
    "head_name",
    "building",
    "address",
    "size",
    "phone",
    "lat",
    "lng",
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

    def write(self, report: Report, *, at: datetime) -> tuple[int, int]:
        return write(self.session, report, at=at)


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
    if kind is not ImportKind.ORG_UNITS:
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


def write(session: Session, report: Report, *, at: datetime) -> tuple[int, int]:
    """Write the validated records; returns (created, updated)."""
    if report.kind is ImportKind.HOUSEHOLDS:
        return _write_households(session, report.records, at)
    if report.kind is ImportKind.MEMBERS:
        return _write_members(session, report.records, at)
    return _write_org_units(session, report.records, at)


def _is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _write_households(
    session: Session, records: list[tuple[Any, ...]], at: datetime
) -> tuple[int, int]:
    new = [r for r in records if r[0] is None]
    old = [r for r in records if r[0] is not None]
    if _is_postgres(session):
        ids = _next_ids(session, "households", len(new))
        new_rows = [(i, *_household_values(r), at, at) for i, r in zip(ids, new, strict=True)]
        old_rows = [(r[0], *_household_values(r), at, at) for r in old]
        cols = ("id", *_HOUSEHOLD_COLS, "created_at", "updated_at")
        _pg_copy(session, "households", cols, new_rows)
        _pg_update_from(session, "households", cols, old_rows, skip=("created_at",))
        cat_rows = [(hid, c) for hid, r in zip(ids, new, strict=True) for c in r[10]]
        cat_rows += [(r[0], c) for r in old for c in r[10]]
        _delete_categories(session, [r[0] for r in old])
        _pg_copy(session, "household_categories", ("household_id", "category"), cat_rows)
        return len(new), len(old)
    conn = session.connection().connection.driver_connection
    assert conn is not None
    at_text = _sqlite_time(at)
    placeholders = ",".join("?" * (len(_HOUSEHOLD_COLS) + 2))
    conn.executemany(
        f"INSERT INTO households ({','.join(_HOUSEHOLD_COLS)}, created_at, updated_at) "
        f"VALUES ({placeholders})",
        ((*_household_values(r), at_text, at_text) for r in new),
    )
    sets = ",".join(f"{c}=?" for c in _HOUSEHOLD_COLS)
    conn.executemany(
        f"UPDATE households SET {sets}, updated_at=? WHERE id=?",
        ((*_household_values(r), at_text, r[0]) for r in old),
    )
    new_ids = _sqlite_ids_by_external(conn, "households", [r[1] for r in new])
    _delete_categories(session, [r[0] for r in old])
    conn.executemany(
        "INSERT INTO household_categories (household_id, category) VALUES (?, ?)",
        _category_pairs(new, new_ids, old),
    )
    return len(new), len(old)


def _category_pairs(
    new: Sequence[tuple[Any, ...]], new_ids: dict[str, int], old: Sequence[tuple[Any, ...]]
) -> Iterator[tuple[int, str]]:
    for r in new:
        for c in r[10]:
            yield new_ids[r[1]], c
    for r in old:
        for c in r[10]:
            yield r[0], c


def _household_values(r: tuple[Any, ...]) -> tuple[Any, ...]:
    # record: (id, external_id, head, org_id, building, address, size, phone, lat, lng, cats)
    return (r[3], r[2], r[4], r[5], r[6], r[7], r[8], r[9], r[1])


def _member_values(r: tuple[Any, ...]) -> tuple[Any, ...]:
    # record: (id, ext, name, org_id, role, gender, birth, phone, lat, lng, skills, in_service,
    #          reported, exempt_reason, exempt_by, exempt_on, exempt_note)
    return (
        r[3],
        r[2],
        r[4],
        r[5],
        r[6],
        r[7],
        r[8],
        r[9],
        r[10],
        r[11],
        r[12],
        r[13],
        r[14],
        r[15],
        r[16],
        r[1],
    )


def _write_members(
    session: Session, records: list[tuple[Any, ...]], at: datetime
) -> tuple[int, int]:
    new = [r for r in records if r[0] is None]
    old = [r for r in records if r[0] is not None]
    if _is_postgres(session):
        ids = _next_ids(session, "members", len(new))
        cols = ("id", *_MEMBER_COLS, "created_at", "updated_at")
        _pg_copy(
            session,
            "members",
            cols,
            [(i, *_member_values(r), at, at) for i, r in zip(ids, new, strict=True)],
        )
        _pg_update_from(
            session,
            "members",
            cols,
            [(r[0], *_member_values(r), at, at) for r in old],
            skip=("created_at",),
        )
        return len(new), len(old)
    conn = session.connection().connection.driver_connection
    assert conn is not None
    at_text = _sqlite_time(at)
    placeholders = ",".join("?" * (len(_MEMBER_COLS) + 2))
    conn.executemany(
        f"INSERT INTO members ({','.join(_MEMBER_COLS)}, created_at, updated_at) "
        f"VALUES ({placeholders})",
        ((*_sqlite_dates(_member_values(r)), at_text, at_text) for r in new),
    )
    sets = ",".join(f"{c}=?" for c in _MEMBER_COLS)
    conn.executemany(
        f"UPDATE members SET {sets}, updated_at=? WHERE id=?",
        ((*_sqlite_dates(_member_values(r)), at_text, r[0]) for r in old),
    )
    return len(new), len(old)


def _write_org_units(
    session: Session, records: list[tuple[Any, ...]], at: datetime
) -> tuple[int, int]:
    """Org files are small (thousands of rows): written node by node, parents first, moves
    through the same subtree rewrite as the API."""
    repo = SqlOrgRepository(session)
    by_code = {row.code: row for row in session.scalars(select(OrgUnitRow))}
    created = updated = 0
    for existing_id, code, name, level, parent_code, external_id in records:
        parent = by_code.get(parent_code) if parent_code else None
        if existing_id is None:
            row = OrgUnitRow(
                name=name,
                level=level,
                code=code,
                external_id=external_id,
                parent_id=parent.id if parent else None,
                path="/",
                created_at=at,
                updated_at=at,
            )
            session.add(row)
            session.flush()
            row.path = path_of(parent.path if parent else None, row.id)
            by_code[code] = row
            created += 1
            continue
        row = by_code[code]
        row.name, row.external_id, row.level, row.updated_at = name, external_id, level, at
        if (parent.id if parent else None) != row.parent_id:
            unit = org_to_domain(row)
            moved = unit.moved_under(org_to_domain(parent) if parent else None)
            session.flush()
            repo.move_subtree(unit, moved, at=at)
            by_code = {r.code: r for r in session.scalars(select(OrgUnitRow))}
        updated += 1
    session.flush()
    return created, updated


def _next_ids(session: Session, table: str, count: int) -> list[int]:
    if count == 0:
        return []
    return list(
        session.scalars(
            text(
                f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "
                "FROM generate_series(1, :n)"
            ),
            {"n": count},
        )
    )


def _pg_copy(
    session: Session, table: str, cols: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    if not rows:
        return
    conn = session.connection().connection.driver_connection
    assert conn is not None
    with (
        conn.cursor() as cur,
        cur.copy(f"COPY {table} ({','.join(cols)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def _pg_update_from(
    session: Session,
    table: str,
    cols: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    *,
    skip: Sequence[str],
) -> None:
    if not rows:
        return
    stage = f"stage_{table}"
    session.execute(
        text(f"CREATE TEMP TABLE {stage} (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP")
    )
    _pg_copy(session, stage, cols, rows)
    sets = ", ".join(f"{c} = s.{c}" for c in cols if c != "id" and c not in skip)
    session.execute(text(f"UPDATE {table} t SET {sets} FROM {stage} s WHERE t.id = s.id"))


def _delete_categories(session: Session, household_ids: list[int]) -> None:
    for start in range(0, len(household_ids), 5000):
        chunk = household_ids[start : start + 5000]
        session.execute(
            text(
                "DELETE FROM household_categories WHERE household_id IN "
                f"({','.join(str(int(i)) for i in chunk)})"
            )
        )


def _sqlite_ids_by_external(conn: Any, table: str, external_ids: list[str]) -> dict[str, int]:
    if not external_ids:
        return {}
    wanted = set(external_ids)
    rows = conn.execute(f"SELECT external_id, id FROM {table} WHERE external_id IS NOT NULL")
    return {ext: id_ for ext, id_ in rows if ext in wanted}


def _sqlite_time(at: datetime) -> str:
    """SQLAlchemy's storage format for DateTime on SQLite (naive UTC)."""
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _sqlite_dates(values: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(v.isoformat() if isinstance(v, date) else v for v in values)
