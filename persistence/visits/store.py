"""Storage of visits, and the reads the cadence rules need (last visits, a member's households)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    exists,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    text,
    true,
    update,
)
from sqlalchemy.orm import Session, aliased

from domain.kernel.access import Scope
from domain.kernel.errors import Conflict, Invalid, NotFound
from domain.kernel.org import nearest_of
from domain.registers.member import Location
from domain.visits.model import (
    CadenceCoverage,
    CadenceInForce,
    Compliance,
    Flag,
    IdleMember,
    Visit,
    VisitFacts,
    VisitMode,
)
from persistence.assignment.tables import AssignmentRow, ProposalRow
from persistence.insert_or_skip import insert_or_skip
from persistence.org.tables import OrgUnitRow
from persistence.paging import Page, Window
from persistence.registers.tables import (
    ACTIVE_HOUSEHOLD,
    HouseholdRow,
    MemberRow,
    decode_categories,
)
from persistence.scoping import (
    authored_scope,
    household_scope,
    in_subtree,
    member_scope,
)
from persistence.visits.tables import VisitRow


def _to_domain(row: VisitRow) -> Visit:
    return Visit(
        id=row.id,
        member_id=row.member_id,
        household_id=row.household_id,
        visited_at=row.visited_at,
        mode=VisitMode(row.mode),
        notes=row.notes,
        flags=tuple(Flag(f["kind"], f["text"]) for f in row.flags),
        checklist=tuple(row.checklist),
        location=Location(row.lat, row.lng)
        if row.lat is not None and row.lng is not None
        else None,
        created_at=row.created_at,
        amends_id=row.amends_id,
        sync_note=row.sync_note,
    )


def _within(visit_id: int, scope: Scope) -> Select[VisitRow]:
    """The visit, when its household is within the caller's reach, or it is the member's own
    (``authored_scope``)."""
    return (
        select(VisitRow)
        .join(HouseholdRow, HouseholdRow.id == VisitRow.household_id)
        .where(VisitRow.id == visit_id, authored_scope(scope, VisitRow.member_id))
    )


class SqlVisitStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def contact_of(self, household_id: int) -> int | None:
        return self.session.scalar(
            select(AssignmentRow.member_id).where(
                AssignmentRow.household_id == household_id, AssignmentRow.ended_on.is_(None)
            )
        )

    def by_client_uuid(self, client_uuid: str) -> Visit | None:
        return self.by_client_uuids([client_uuid]).get(client_uuid)

    def by_client_uuids(self, client_uuids: Sequence[str]) -> dict[str, Visit]:
        rows = self.session.scalars(
            select(VisitRow).where(VisitRow.client_uuid.in_(set(client_uuids)))
        )
        return {r.client_uuid: _to_domain(r) for r in rows if r.client_uuid is not None}

    def facts(self, wanted: Sequence[tuple[int, int, date]]) -> list[VisitFacts]:
        """For each visit to log (household, member, day): its household's path and contact
        today, the member's path, and whether the member looked after the household on that
        day — two statements however many visits (a batch of them, or a sync)."""
        if not wanted:
            return []
        households = {h for h, _, _ in wanted}
        paths: dict[int, str] = {}
        spans: dict[tuple[int, int], list[tuple[date, date | None]]] = {}
        today: dict[int, tuple[int, str]] = {}
        for household_id, path, member_id, started, ended, name in self.session.execute(
            select(
                HouseholdRow.id,
                OrgUnitRow.path,
                AssignmentRow.member_id,
                AssignmentRow.started_on,
                AssignmentRow.ended_on,
                MemberRow.name,
            )
            .join(OrgUnitRow, OrgUnitRow.id == HouseholdRow.org_id)
            .outerjoin(AssignmentRow, AssignmentRow.household_id == HouseholdRow.id)
            .outerjoin(MemberRow, MemberRow.id == AssignmentRow.member_id)
            .where(HouseholdRow.id.in_(households))
        ):
            paths[household_id] = path
            if member_id is None:
                continue  # nobody has ever looked after it
            spans.setdefault((member_id, household_id), []).append((started, ended))
            if ended is None:
                today[household_id] = (member_id, name)
        member_paths = {
            int(member_id): str(path)
            for member_id, path in self.session.execute(
                select(MemberRow.id, OrgUnitRow.path)
                .join(OrgUnitRow, OrgUnitRow.id == MemberRow.org_id)
                .where(MemberRow.id.in_({m for _, m, _ in wanted}))
            )
        }
        return [
            VisitFacts(
                household_path=paths.get(h),
                member_path=member_paths.get(m),
                contact_id=today[h][0] if h in today else None,
                contact_name=today[h][1] if h in today else None,
                was_contact=any(
                    start <= day and (end is None or end > day)
                    for start, end in spans.get((m, h), ())
                ),
            )
            for h, m, day in wanted
        ]

    def add(self, visit: Visit, *, created_by: str, at: datetime, client_uuid: str | None) -> Visit:
        (added,) = self.add_many([(visit, client_uuid, created_by)], at=at)
        if added is None:
            raise Conflict("sync.uuid_reused", "该 UUID 已用于另一条记录", field="uuid")
        return added

    def add_many(
        self, visits: Sequence[tuple[Visit, str | None, str]], *, at: datetime
    ) -> list[Visit | None]:
        """(visit, client uuid, created by) each, in a Core INSERT … RETURNING, many rows in one
        statement: none of the ORM's unit-of-work bookkeeping (logging a visit is the hottest
        write of the platform). The uuids must differ from one another.

        A visit whose uuid is stored already is skipped (ON CONFLICT DO NOTHING): None in its
        place. Looking a uuid up and inserting it are two statements, and another request may
        write the same uuid in between — a client resending a batch while its first send is
        still being written — so the insert itself is what settles it, atomically; on
        PostgreSQL it waits for the other transaction, and skips the row if that commits."""
        if not visits:
            return []
        rows = [
            {
                "member_id": v.member_id,
                "household_id": v.household_id,
                "visited_at": v.visited_at,
                "mode": v.mode.value,
                "notes": v.notes,
                "flags": [{"kind": f.kind, "text": f.text} for f in v.flags],
                "checklist": list(v.checklist),
                "lat": v.location.lat if v.location else None,
                "lng": v.location.lng if v.location else None,
                "created_by": by,
                "created_at": at,
                "client_uuid": uuid,
                "amends_id": v.amends_id,
                "sync_note": v.sync_note,
            }
            for v, uuid, by in visits
        ]
        # On the session's connection, Core alone: through the session, a list of rows takes
        # the ORM's bulk-insert path, which costs more Python than the round trip itself.
        connection = self.session.connection()
        ids: dict[int, int] = {}  # position among ``visits`` → the new row's id
        plain = [i for i, (_, uuid, _) in enumerate(visits) if uuid is None]
        if plain:
            new_ids = connection.scalars(
                insert(VisitRow).returning(VisitRow.id, sort_by_parameter_order=True),
                [rows[i] for i in plain],
            ).all()
            ids.update(zip(plain, new_ids, strict=True))
        # With a uuid: the skipped rows return nothing, so each new id is matched by its uuid.
        position = {uuid: i for i, (_, uuid, _) in enumerate(visits) if uuid is not None}
        if position:
            statement = insert_or_skip(connection, VisitRow, VisitRow.client_uuid).returning(
                VisitRow.id, VisitRow.client_uuid
            )
            for new_id, key in connection.execute(statement, [rows[i] for i in position.values()]):
                ids[position[str(key)]] = new_id
        return [
            dataclasses.replace(v, id=ids[i], created_at=at) if i in ids else None
            for i, (v, _, _) in enumerate(visits)
        ]

    def household_path(self, household_id: int) -> str | None:
        return self.session.scalar(
            select(OrgUnitRow.path)
            .join(HouseholdRow, HouseholdRow.org_id == OrgUnitRow.id)
            .where(HouseholdRow.id == household_id)
        )

    def changed_since(
        self,
        scope: Scope,
        since: datetime,
        until: datetime,
        *,
        after_household: int = 0,
        after_visit: int = 0,
        limit: int,
    ) -> tuple[list[int], list[Visit]]:
        """Households (ids) and visits of the caller's households changed in (since, until],
        each in id order after the given ids (a pull's next page), at most ``limit`` of each.

        A household given to the caller (as its contact member) by a roster published in the
        window counts as changed, with its whole history: its own row did not change, and a
        phone that pulled before would never hear of it."""
        given = (
            None
            if scope.member_id is None
            else select(AssignmentRow.household_id)
            .join(ProposalRow, ProposalRow.id == AssignmentRow.proposal_id)
            .where(
                AssignmentRow.member_id == scope.member_id,
                AssignmentRow.ended_on.is_(None),
                ProposalRow.published_at > since,
                ProposalRow.published_at <= until,
            )
        )
        changed = and_(HouseholdRow.updated_at > since, HouseholdRow.updated_at <= until)
        households = list(
            self.session.scalars(
                select(HouseholdRow.id)
                .where(
                    household_scope(scope),
                    changed if given is None else or_(changed, HouseholdRow.id.in_(given)),
                    HouseholdRow.id > after_household,
                )
                .order_by(HouseholdRow.id)
                .limit(limit)
            )
        )
        recorded = or_(
            and_(VisitRow.created_at > since, VisitRow.created_at <= until),
            and_(VisitRow.updated_at > since, VisitRow.updated_at <= until),
        )
        rows = self.session.scalars(
            select(VisitRow)
            .join(HouseholdRow, HouseholdRow.id == VisitRow.household_id)
            .where(
                household_scope(scope),
                recorded if given is None else or_(recorded, VisitRow.household_id.in_(given)),
                VisitRow.id > after_visit,
            )
            .order_by(VisitRow.id)
            .limit(limit)
        )
        return households, [_to_domain(r) for r in rows]

    def get(self, visit_id: int, scope: Scope) -> Visit:
        return self._one(_within(visit_id, scope), visit_id)

    def _one(self, statement: Select[VisitRow], visit_id: int) -> Visit:
        row = self.session.scalar(statement)
        if row is None:
            raise NotFound("visit.not_found", f"走访记录 {visit_id} 不存在", field="visit_id")
        return _to_domain(row)

    def get_locked(self, visit_id: int, scope: Scope) -> Visit:
        """The visit as stored now, kept from other writers until this transaction ends: what
        reads a visit to write it back (the ticks, stored as one list) neither loses nor
        repeats a change made at the same moment.

        PostgreSQL locks the row (FOR UPDATE): a second caller waits, then reads what the first
        wrote. SQLite has no row locks, and its driver begins a transaction only at the first
        write, so a read before one may be stale by the time it is written back: a write that
        changes nothing takes the database's one write lock first (waiting out another writer,
        as any write does), and the read comes after it."""
        connection = self.session.connection()
        if connection.dialect.name == "sqlite":
            # Not visited_at or household_id: the last-visit trigger is not fired for nothing.
            connection.execute(
                update(VisitRow).where(VisitRow.id == visit_id).values(checklist=VisitRow.checklist)
            )
        return self._one(
            _within(visit_id, scope)
            .with_for_update(of=VisitRow)
            # read again even when read before in this session (a sync batch, the caller)
            .execution_options(populate_existing=True),
            visit_id,
        )

    def latest_version(self, visit_id: int) -> int:
        """The visit's newest amendment, following amendments of amendments; itself when it
        has none."""
        current = visit_id
        while (
            later := self.session.scalar(
                select(func.max(VisitRow.id)).where(VisitRow.amends_id == current)
            )
        ) is not None:
            current = later
        return current

    def update(self, visit: Visit, *, at: datetime) -> None:
        row = self.session.get_one(VisitRow, visit.id)
        row.updated_at = at
        row.visited_at, row.mode, row.notes = visit.visited_at, visit.mode.value, visit.notes
        row.flags = [{"kind": f.kind, "text": f.text} for f in visit.flags]
        row.checklist = list(visit.checklist)
        row.version = VisitRow.version + 1
        self.session.flush()

    def of_household(self, household_id: int, *, limit: int) -> list[Visit]:
        rows = self.session.scalars(
            select(VisitRow)
            .where(VisitRow.household_id == household_id)
            .order_by(VisitRow.visited_at.desc(), VisitRow.id.desc())
            .limit(limit)
        )
        return [_to_domain(r) for r in rows]

    def households_of(self, member_id: int) -> list[tuple[int, frozenset[str], str]]:
        """The households a member looks after today, with their categories and org path."""
        return [
            (h, decode_categories(c), path)
            for h, c, path in self.session.execute(
                select(HouseholdRow.id, HouseholdRow.categories, OrgUnitRow.path)
                .join(OrgUnitRow, OrgUnitRow.id == HouseholdRow.org_id)
                .join(AssignmentRow, AssignmentRow.household_id == HouseholdRow.id)
                .where(
                    AssignmentRow.member_id == member_id,
                    AssignmentRow.ended_on.is_(None),
                    HouseholdRow.status == ACTIVE_HOUSEHOLD,
                )
                .order_by(HouseholdRow.id)
            )
        ]

    def last_visits(self, household_ids: Iterable[int]) -> dict[int, datetime]:
        ids = list(household_ids)
        if not ids:
            return {}
        return {
            h: at
            for h, at in self.session.execute(
                select(HouseholdRow.id, HouseholdRow.last_visited_at).where(
                    HouseholdRow.id.in_(ids), HouseholdRow.last_visited_at.is_not(None)
                )
            )
            if at is not None
        }

    def area_counts(
        self, path: str, *, cadences: Sequence[CadenceInForce], since_month: datetime
    ) -> Compliance:
        """Households (in all, visited within the cadence in force for each, and both per
        cadence), contact members, and of them those with a visit this month, of the area, in
        one statement. ``cadences``: the area's own first, then those set below it.

        Households are the area's by their org; "visited" reads the latest visit kept on each
        household (``last_visited_at``), so a county is one pass over its households, not over
        millions of visits. Members are the area's own members (by their org) who look after
        households today — the branch's participation rate (党员参与率, Huiji's 86 %: the
        members who visit at least monthly) — each checked by index for a visit this month."""
        # The area's org ids first, as values, so the planner counts what they hold from its
        # statistics; and, on PostgreSQL, the page cost of an SSD for this transaction: an
        # area's households sit together (registered village by village), which the default
        # cost (4.0, a spinning disk) ignores — it scanned the whole city's households for a
        # county's 60,000 (bench-field: 140 ms against 30 ms by the (org_id, id) index).
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(text("SET LOCAL random_page_cost = 1.1"))
        orgs = self.session.execute(
            select(OrgUnitRow.id, OrgUnitRow.path).where(in_subtree(OrgUnitRow.path, path))
        ).all()
        groups = _org_ids_by_cadence(orgs, cadences)
        households = _households_by_cadence(groups, {c.days: c.since for c in cadences})
        members = (
            select(
                func.count().label("total"),
                func.count().filter(_visited_since(since_month)).label("active"),
            )
            .where(MemberRow.org_id.in_([i for ids in groups.values() for i in ids]), _contact())
            .subquery()
        )
        # Members first, households joined on: an area without households still has its
        # members counted (no cadence row, days null).
        rows = self.session.execute(
            select(
                members.c.total,
                members.c.active,
                households.c.days,
                households.c.total,
                households.c.seen,
            )
            .select_from(members)
            .outerjoin(households, true())
        ).all()
        by_cadence = tuple(
            CadenceCoverage(int(days), total, seen)
            for _, _, days, total, seen in sorted(rows, key=lambda r: r[2] or 0)
            if days is not None and total
        )
        return Compliance(
            households=sum(c.households for c in by_cadence),
            visited_within_cadence=sum(c.visited_within_cadence for c in by_cadence),
            members=rows[0][0] or 0,
            members_visiting_this_month=rows[0][1] or 0,
            by_cadence=by_cadence,
        )

    def idle_members(
        self, scope: Scope, path: str, *, since_month: datetime, window: Window
    ) -> Page[IdleMember]:
        """The area's contact members with no visit since ``since_month``: those
        ``area_counts`` counts as members and not as visiting this month (the same predicate,
        so the whole list is as long as the difference), within the caller's scope (an
        ordinary member finds only themselves). Never visited first, then the longest since a
        visit; ``q`` searches the name, ``sort`` takes last_visit or name (- for descending)."""
        looked_after = (
            select(func.count())
            .where(AssignmentRow.member_id == MemberRow.id, AssignmentRow.ended_on.is_(None))
            .scalar_subquery()
            .label("households")
        )
        # By the (member_id, visited_at) index: one probe per member listed.
        last = (
            select(func.max(VisitRow.visited_at))
            .where(VisitRow.member_id == MemberRow.id, not_superseded())
            .scalar_subquery()
            .label("last_visit")
        )
        order = _idle_order(window.sort, last)  # an unknown sort refused before any reading
        area = list(
            self.session.scalars(select(OrgUnitRow.id).where(in_subtree(OrgUnitRow.path, path)))
        )
        idle = [
            MemberRow.org_id.in_(area),
            member_scope(scope, path),
            _contact(),
            ~_visited_since(since_month),
        ]
        if window.q and window.q.strip():
            idle.append(MemberRow.name.contains(window.q.strip(), autoescape=True))
        total = self.session.scalar(select(func.count()).select_from(MemberRow).where(*idle))
        rows = self.session.execute(
            select(
                MemberRow.id, MemberRow.name, MemberRow.org_id, OrgUnitRow.name, looked_after, last
            )
            .join(OrgUnitRow, OrgUnitRow.id == MemberRow.org_id)
            .where(*idle)
            .order_by(*order, MemberRow.id)
            .limit(window.limit)
            .offset(window.offset)
        )
        return Page([IdleMember(*row) for row in rows], total or 0, window.limit, window.offset)


def _contact() -> ColumnElement[bool]:
    """The member looks after households today: counted in the participation rate."""
    return exists().where(AssignmentRow.member_id == MemberRow.id, AssignmentRow.ended_on.is_(None))


def _visited_since(since: datetime) -> ColumnElement[bool]:
    """The member has a visit since then (by the (member_id, visited_at) index) that no
    amendment moved away (``not_superseded``)."""
    return exists().where(
        VisitRow.member_id == MemberRow.id, VisitRow.visited_at >= since, not_superseded()
    )


def _org_ids_by_cadence(
    orgs: Iterable[tuple[int, str]], cadences: Sequence[CadenceInForce]
) -> dict[int, list[int]]:
    """The area's org ids by the cadence (days) in force for each: that of its nearest level
    with one, walking up its path (at most a few steps; the area's own path ends the walk)."""
    days = {c.path: c.days for c in cadences}
    out: dict[int, list[int]] = {}
    for org_id, path in orgs:
        out.setdefault(days[nearest_of(path, days)], []).append(org_id)
    return out


def _households_by_cadence(groups: dict[int, list[int]], since: dict[int, datetime]) -> Any:
    """Households and those visited within their cadence, a row per cadence (days).

    The cadence of most org units is the CASE's ELSE, so only the few levels below that set
    their own are named, one IN list each: a county with a weekly village is one pass over
    its households still, with no join to the org units."""
    stamp = HouseholdRow.last_visited_at
    main = max(groups, key=lambda d: len(groups[d]))
    others = [(d, ids) for d, ids in groups.items() if d != main]
    # Inline integers (not parameters): PostgreSQL groups by them without guessing a type.
    days: ColumnElement[Any] = literal_column(str(int(main)))
    if others:
        days = case(
            *((HouseholdRow.org_id.in_(ids), literal_column(str(int(d)))) for d, ids in others),
            else_=days,
        )
    inner = (
        select(days.label("days"), stamp.label("at"))
        .where(
            HouseholdRow.org_id.in_([i for ids in groups.values() for i in ids]),
            HouseholdRow.status == ACTIVE_HOUSEHOLD,  # moved out, archived: not judged
        )
        .subquery()
    )
    cutoff: ColumnElement[Any] = literal(since[main], stamp.type)
    if others:
        cutoff = case(
            *((inner.c.days == int(d), literal(since[d], stamp.type)) for d, _ in others),
            else_=cutoff,
        )
    return (
        select(
            inner.c.days,
            func.count().label("total"),
            func.count().filter(inner.c.at >= cutoff).label("seen"),
        )
        .group_by(inner.c.days)
        .subquery()
    )


def _idle_order(sort: str | None, last: Any) -> list[Any]:
    """Never visited first, then the longest since a visit; or by name."""
    key = (sort or "last_visit").lstrip("-")
    descending = bool(sort and sort.startswith("-"))
    if key == "last_visit":
        return [last.desc().nulls_last() if descending else last.asc().nulls_first()]
    if key == "name":
        return [MemberRow.name.desc() if descending else MemberRow.name.asc()]
    raise Invalid("list.unknown_sort", f"不能按 {key} 排序；可选：last_visit, name", field="sort")


def not_superseded() -> ColumnElement[bool]:
    """A visit no amendment (补充更正) points at: the amendment's figures count in what is
    derived from visits (the checklist, the last visit), the original stays on record."""
    amendment = aliased(VisitRow)
    return ~exists().where(amendment.amends_id == VisitRow.id)


def checklist_ticks(
    session: Session, household_ids: Iterable[int], start: datetime, end: datetime
) -> dict[int, list[tuple[str, int]]]:
    """(item, visit id) ticked on each household's visits in [start, end)."""
    ids = list(household_ids)
    out: dict[int, list[tuple[str, int]]] = {h: [] for h in ids}
    for chunk in range(0, len(ids), 5000):
        for visit_id, household_id, items in session.execute(
            select(VisitRow.id, VisitRow.household_id, VisitRow.checklist).where(
                VisitRow.household_id.in_(ids[chunk : chunk + 5000]),
                VisitRow.visited_at >= start,
                VisitRow.visited_at < end,
                not_superseded(),
            )
        ):
            out[household_id] += [(item, visit_id) for item in items]
    return out


def checklist_rollup(
    session: Session,
    household_ids: Select[Any],
    template: Sequence[str],
    start: datetime,
    end: datetime,
) -> tuple[int, int, dict[str, int]]:
    """An area's checklist in [start, end), aggregated in the database: (households, households
    with every item ticked, households with each item ticked). ``household_ids`` selects the
    area's households; items not in the template are ignored, as ``checklist_status`` does."""
    items = list(dict.fromkeys(template))
    if session.get_bind().dialect.name == "postgresql":
        element = func.jsonb_array_elements_text(VisitRow.checklist).table_valued("value")
    else:
        element = func.json_each(VisitRow.checklist).table_valued("value")
    ids = household_ids.subquery()
    ticked = (
        select(VisitRow.household_id, element.c.value.label("item"))
        .select_from(VisitRow)
        .join(element, true())
        .where(
            VisitRow.household_id.in_(select(ids.c[0])),
            VisitRow.visited_at >= start,
            VisitRow.visited_at < end,
            element.c.value.in_(items),
            not_superseded(),
        )
        .distinct()
        .subquery()
    )
    counts = session.execute(select(ticked.c.item, func.count()).group_by(ticked.c.item))
    per_item: dict[str, int] = dict(counts.all())
    complete = select(ticked.c.household_id).group_by(ticked.c.household_id)
    complete = complete.having(func.count() == len(items))
    total, done = session.execute(
        select(
            select(func.count()).select_from(ids).scalar_subquery(),
            select(func.count()).select_from(complete.subquery()).scalar_subquery(),
        )
    ).one()
    return total or 0, done or 0, {item: per_item.get(item, 0) for item in items}
