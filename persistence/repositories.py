"""Rows ⇄ domain objects. Every read takes a Scope; out of scope is NotFound."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from domain.access import Scope
from domain.audit import AuditEntry
from domain.errors import Conflict, NotFound
from domain.household import EndedAssignment, Household, HouseholdStatus, Relation, Resident
from domain.member import Exemption, ExemptionReason, Location, Member, MemberRole
from domain.org import OrgLevel, OrgUnit, ancestor_ids, path_of
from domain.scheme import SchemeBinding, SchemeCode
from persistence.locks import Lock, serialize
from persistence.scoping import household_scope, in_subtree, member_scope
from persistence.tables import (
    ApiKeyRow,
    AssignmentRow,
    AuditRow,
    CategoryRow,
    HouseholdResidentRow,
    HouseholdRow,
    IssueDraftRow,
    MemberRow,
    MustAttendEventRow,
    OrgUnitRow,
    PolicyDeliveryRow,
    SchemeBindingRow,
    UserRow,
    VisitRow,
    decode_categories,
    encode_categories,
    metadata,
)


def _location(lat: float | None, lng: float | None) -> Location | None:
    return Location(lat, lng) if lat is not None and lng is not None else None


def org_to_domain(row: OrgUnitRow) -> OrgUnit:
    return OrgUnit(
        id=row.id,
        name=row.name,
        level=OrgLevel(row.level),
        parent_id=row.parent_id,
        path=row.path,
        code=row.code,
        external_id=row.external_id,
    )


class SqlOrgRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, org_id: int, scope: Scope) -> OrgUnit:
        row = self.session.get(OrgUnitRow, org_id)
        if row is None or not scope.covers(row.path):
            raise NotFound("org.not_found", f"组织 {org_id} 不存在", field="org_id")
        return org_to_domain(row)

    def add(
        self,
        *,
        name: str,
        level: OrgLevel,
        parent: OrgUnit | None,
        code: str | None,
        external_id: str | None,
        at: datetime,
    ) -> OrgUnit:
        _refuse_duplicate(self.session, OrgUnitRow.code, code, None)
        _refuse_duplicate(self.session, OrgUnitRow.external_id, external_id, None)
        row = OrgUnitRow(
            name=name,
            level=level.value,
            parent_id=parent.id if parent else None,
            path="/",
            code=code,
            external_id=external_id,
            created_at=at,
            updated_at=at,
        )
        self.session.add(row)
        self.session.flush()  # the id is part of the path
        row.path = path_of(parent.path if parent else None, row.id)
        self.session.flush()
        return org_to_domain(row)

    def update(self, unit: OrgUnit, *, at: datetime) -> None:
        _refuse_duplicate(self.session, OrgUnitRow.code, unit.code, unit.id)
        _refuse_duplicate(self.session, OrgUnitRow.external_id, unit.external_id, unit.id)
        row = self.session.get_one(OrgUnitRow, unit.id)
        row.name, row.code, row.external_id, row.updated_at = (
            unit.name,
            unit.code,
            unit.external_id,
            at,
        )
        row.version = OrgUnitRow.version + 1
        self.session.flush()

    def lock_tree(self) -> None:
        serialize(self.session, Lock.ORG_TREE)

    def move_subtree(self, unit: OrgUnit, moved: OrgUnit, *, at: datetime) -> None:
        """Re-parent and rewrite every descendant's path in one statement."""
        old = unit.path
        self.session.execute(
            update(OrgUnitRow)
            .where(in_subtree(OrgUnitRow.path, old))
            .values(
                path=moved.path + func.substr(OrgUnitRow.path, len(old) + 1),
                updated_at=at,
                version=OrgUnitRow.version + 1,
            )
            .execution_options(synchronize_session=False)
        )
        self.session.execute(
            update(OrgUnitRow).where(OrgUnitRow.id == unit.id).values(parent_id=moved.parent_id)
        )
        self.session.expire_all()

    def is_empty(self, unit: OrgUnit) -> bool:
        """Nothing hangs on the node: no children, members, households, accounts or keys."""
        for column in (
            OrgUnitRow.parent_id,
            MemberRow.org_id,
            MemberRow.reported_community_id,
            HouseholdRow.org_id,
            UserRow.org_id,
            ApiKeyRow.org_id,
        ):
            if self.session.scalar(select(func.count()).where(column == unit.id)):
                return False
        return True

    def delete(self, unit: OrgUnit) -> None:
        self.session.execute(delete(SchemeBindingRow).where(SchemeBindingRow.org_id == unit.id))
        self.session.execute(delete(OrgUnitRow).where(OrgUnitRow.id == unit.id))


def member_to_domain(row: MemberRow) -> Member:
    exemption = None
    if row.exempt_reason:
        exemption = Exemption(
            reason=ExemptionReason(row.exempt_reason),
            decided_by=row.exempt_decided_by or "",
            decided_on=row.exempt_decided_on or row.created_at.date(),
            note=row.exempt_note,
        )
    return Member(
        id=row.id,
        org_id=row.org_id,
        name=row.name,
        role=MemberRole(row.role),
        gender=row.gender,
        birth_date=row.birth_date,
        phone=row.phone,
        location=_location(row.lat, row.lng),
        skills=tuple(s for s in row.skills.split("、") if s),
        in_service=row.in_service,
        reported_community_id=row.reported_community_id,
        exemption=exemption,
        external_id=row.external_id,
    )


def _member_values(member: Member) -> dict[str, object]:
    ex = member.exemption
    return {
        "org_id": member.org_id,
        "name": member.name,
        "role": member.role.value,
        "gender": member.gender,
        "birth_date": member.birth_date,
        "phone": member.phone,
        "lat": member.location.lat if member.location else None,
        "lng": member.location.lng if member.location else None,
        "skills": "、".join(member.skills),
        "in_service": member.in_service,
        "reported_community_id": member.reported_community_id,
        "exempt_reason": ex.reason.value if ex else None,
        "exempt_decided_by": ex.decided_by if ex else None,
        "exempt_decided_on": ex.decided_on if ex else None,
        "exempt_note": ex.note if ex else None,
        "external_id": member.external_id,
    }


class SqlMemberRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, member_id: int, scope: Scope) -> Member:
        row = self.session.scalar(
            select(MemberRow).where(MemberRow.id == member_id, member_scope(scope))
        )
        if row is None:
            raise NotFound("member.not_found", f"党员 {member_id} 不存在", field="member_id")
        return member_to_domain(row)

    def add(self, member: Member, *, at: datetime) -> Member:
        _refuse_duplicate(self.session, MemberRow.external_id, member.external_id, None)
        row = MemberRow(**_member_values(member), created_at=at, updated_at=at)
        self.session.add(row)
        self.session.flush()
        return replace(member, id=row.id)

    def update(self, member: Member, *, at: datetime) -> None:
        _refuse_duplicate(self.session, MemberRow.external_id, member.external_id, member.id)
        self.session.execute(
            update(MemberRow)
            .where(MemberRow.id == member.id)
            .values(**_member_values(member), updated_at=at, version=MemberRow.version + 1)
        )

    def in_use(self, member: Member) -> str | None:
        """Why the member cannot be deleted, or None: households they look after, an account."""
        if self.session.scalar(
            select(func.count()).where(
                AssignmentRow.member_id == member.id, AssignmentRow.ended_on.is_(None)
            )
        ):
            return "仍在联系农户，请先调整包户"
        if self.session.scalar(select(func.count()).where(AssignmentRow.member_id == member.id)):
            return "有包户历史记录，请改为标记免除联户"
        if self.session.scalar(select(func.count()).where(UserRow.member_id == member.id)):
            return "仍关联登录账户"
        # Any other record naming the member (visits, pairings, events, drafts …), found from
        # the schema itself so a table added later is covered too.
        for table in metadata.sorted_tables:
            for fk in table.foreign_keys:
                if fk.column.table.name != "members" or fk.ondelete == "CASCADE":
                    continue
                if self.session.scalar(
                    select(func.count()).select_from(table).where(fk.parent == member.id)
                ):
                    return "有走访、结对等历史记录，请改为标记免除联户"
        return None

    def delete(self, member: Member) -> None:
        self.session.execute(delete(MemberRow).where(MemberRow.id == member.id))


def _refuse_duplicate(
    session: Session,
    column: InstrumentedAttribute[str | None],
    value: str | None,
    own_id: int | None,
) -> None:
    """Codes and external ids are unique: say so as a conflict naming the field."""
    if value is None:
        return
    table = column.class_
    other = session.scalar(select(table.id).where(column == value))
    if other is not None and other != own_id:
        raise Conflict(f"{column.key}.duplicate", f"{value} 已被使用", field=column.key)


def household_to_domain(row: HouseholdRow) -> Household:
    return Household(
        id=row.id,
        org_id=row.org_id,
        head_name=row.head_name,
        size=row.size,
        building=row.building,
        address=row.address,
        phone=row.phone,
        location=_location(row.lat, row.lng),
        categories=decode_categories(row.categories),
        external_id=row.external_id,
        status=HouseholdStatus(row.status),
    )


def _household_values(h: Household) -> dict[str, object]:
    return {
        "org_id": h.org_id,
        "head_name": h.head_name,
        "size": h.size,
        "building": h.building,
        "address": h.address,
        "phone": h.phone,
        "lat": h.location.lat if h.location else None,
        "lng": h.location.lng if h.location else None,
        "categories": encode_categories(h.categories),
        "external_id": h.external_id,
        "status": h.status.value,
    }


class SqlHouseholdRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def residents(self, household_id: int) -> list[Resident]:
        rows = self.session.scalars(
            select(HouseholdResidentRow)
            .where(HouseholdResidentRow.household_id == household_id)
            .order_by(HouseholdResidentRow.id)
        )
        return [Resident(Relation(r.relation), r.birth_date, r.gender) for r in rows]

    def set_residents(self, household_id: int, residents: Sequence[Resident]) -> None:
        self.session.execute(
            delete(HouseholdResidentRow).where(HouseholdResidentRow.household_id == household_id)
        )
        self.session.add_all(
            HouseholdResidentRow(
                household_id=household_id,
                relation=r.relation.value,
                birth_date=r.birth_date,
                gender=r.gender,
            )
            for r in residents
        )
        self.session.flush()

    def get(self, household_id: int, scope: Scope) -> Household:
        row = self.session.scalar(
            select(HouseholdRow).where(HouseholdRow.id == household_id, household_scope(scope))
        )
        if row is None:
            raise NotFound(
                "household.not_found", f"农户 {household_id} 不存在", field="household_id"
            )
        return household_to_domain(row)

    def add(self, household: Household, *, at: datetime) -> Household:
        _refuse_duplicate(self.session, HouseholdRow.external_id, household.external_id, None)
        row = HouseholdRow(**_household_values(household), created_at=at, updated_at=at)
        self.session.add(row)
        self.session.flush()
        return replace(household, id=row.id)

    def update(self, household: Household, *, at: datetime) -> None:
        _refuse_duplicate(
            self.session, HouseholdRow.external_id, household.external_id, household.id
        )
        self.session.execute(
            update(HouseholdRow)
            .where(HouseholdRow.id == household.id)
            .values(**_household_values(household), updated_at=at, version=HouseholdRow.version + 1)
        )

    def delete(self, household: Household) -> None:
        self.session.execute(delete(HouseholdRow).where(HouseholdRow.id == household.id))

    def history_of(self, household: Household) -> str | None:
        """What is on record about the household (走访、必到事项 …), or None: a record the
        deletion would take with it (their keys cascade), so it is refused."""
        found = [
            label
            for label, column in (
                ("走访", VisitRow.household_id),
                ("必到事项", MustAttendEventRow.household_id),
                ("问题上报", IssueDraftRow.household_id),
                ("政策落实", PolicyDeliveryRow.household_id),
            )
            if self.session.scalar(select(column).where(column == household.id).limit(1))
            is not None
        ]
        return "、".join(found) or None

    def end_assignment(
        self, household_id: int, *, on: date, at: datetime
    ) -> EndedAssignment | None:
        """End the household's assignment in force (kept as history), naming its member."""
        ended = self.session.execute(
            select(AssignmentRow.id, MemberRow.id, MemberRow.name)
            .join(MemberRow, MemberRow.id == AssignmentRow.member_id)
            .where(AssignmentRow.household_id == household_id, AssignmentRow.ended_on.is_(None))
        ).first()
        if ended is None:
            return None
        self.session.execute(
            update(AssignmentRow)
            .where(AssignmentRow.id == ended[0])
            .values(ended_on=on, updated_at=at, version=AssignmentRow.version + 1)
        )
        return EndedAssignment(member_id=ended[1], member_name=ended[2])

    def known_categories(self) -> Mapping[str, str]:
        return {r.code: r.label for r in self.session.scalars(select(CategoryRow))}

    def add_category(self, code: str, label: str) -> None:
        self.session.add(CategoryRow(code=code, label=label))
        self.session.flush()


def _scheme_code(value: str | None) -> SchemeCode | None:
    return SchemeCode(value) if value else None


class SqlSchemeRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def bindings_on_path(self, path: str) -> Sequence[SchemeBinding]:
        return self.bindings_on_paths([path])[path]

    def bindings_on_paths(self, paths: Iterable[str]) -> dict[str, Sequence[SchemeBinding]]:
        """Each path's bindings, root first, in one statement for all of them (a batch of
        visits with ticks checks each against its household's scheme)."""
        # Columns, not ORM rows: a visit with ticks reads this on every request.
        chains = {path: ancestor_ids(path) for path in paths}
        if not chains:
            return {}
        rows = {
            org_id: (scheme, overrides)
            for org_id, scheme, overrides in self.session.execute(
                select(
                    SchemeBindingRow.org_id, SchemeBindingRow.scheme, SchemeBindingRow.overrides
                ).where(SchemeBindingRow.org_id.in_({i for ids in chains.values() for i in ids}))
            )
        }
        return {
            path: [
                SchemeBinding.stored(i, _scheme_code(rows[i][0]), rows[i][1] or {})
                for i in ids
                if i in rows
            ]
            for path, ids in chains.items()
        }

    def bound_below(self, path: str) -> Sequence[tuple[int, str, str]]:
        """Id, path and name of each org unit under ``path`` (not itself) with a binding of its
        own: the levels a change here could put at odds with their own figures."""
        rows = self.session.execute(
            select(OrgUnitRow.id, OrgUnitRow.path, OrgUnitRow.name)
            .join(SchemeBindingRow, SchemeBindingRow.org_id == OrgUnitRow.id)
            .where(in_subtree(OrgUnitRow.path, path), OrgUnitRow.path != path)
            .order_by(OrgUnitRow.path)
        )
        return [(i, p, n) for i, p, n in rows]

    def put(self, binding: SchemeBinding, *, at: datetime) -> None:
        row = self.session.get(SchemeBindingRow, binding.org_id)
        if row is None:
            row = SchemeBindingRow(org_id=binding.org_id)
            self.session.add(row)
        row.scheme = binding.scheme.value if binding.scheme else None
        row.overrides = dict(binding.overrides)
        row.updated_at = at
        self.session.flush()

    def remove(self, org_id: int) -> None:
        self.session.execute(delete(SchemeBindingRow).where(SchemeBindingRow.org_id == org_id))


class SqlAuditRepository:
    """Append-only; stamps each entry with the request id of the unit of work."""

    def __init__(self, session: Session, request_id: str | None = None) -> None:
        self.session = session
        self.request_id = request_id

    def add(self, entry: AuditEntry) -> None:
        self.add_many([entry])

    def add_many(self, entries: Sequence[AuditEntry]) -> None:
        # A plain INSERT on the session's connection, sent at once: every write has one, and
        # the ORM's bookkeeping (its bulk-insert path, taken by a list of rows executed through
        # the session) for an object nobody reads back is pure cost.
        if not entries:
            return
        self.session.connection().execute(
            insert(AuditRow),
            [
                {
                    "at": e.at,
                    "actor": e.actor,
                    "action": e.action.value,
                    "entity": e.entity,
                    "entity_id": e.entity_id,
                    "org_path": e.org_path,
                    "before": dict(e.before) if e.before is not None else None,
                    "after": dict(e.after) if e.after is not None else None,
                    "request_id": e.request_id or self.request_id,
                }
                for e in entries
            ],
        )
