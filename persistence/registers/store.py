"""The members' and households' repositories."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from domain.kernel.access import Scope
from domain.kernel.errors import NotFound
from domain.registers.household import (
    EndedAssignment,
    Household,
    HouseholdStatus,
    Relation,
    Resident,
)
from domain.registers.member import Exemption, ExemptionReason, Member, MemberRole, location_of
from persistence.accounts.tables import UserRow
from persistence.assignment.tables import AssignmentRow
from persistence.issue_drafts.tables import IssueDraftRow
from persistence.issues.tables import IssueRow
from persistence.must_attend.tables import MustAttendEventRow
from persistence.policies.tables import PolicyDeliveryRow
from persistence.registers.tables import (
    CategoryRow,
    HouseholdResidentRow,
    HouseholdRow,
    MemberRow,
    decode_categories,
    encode_categories,
)
from persistence.schema import metadata
from persistence.scoping import household_scope, member_scope
from persistence.values import refuse_duplicate
from persistence.visits.tables import VisitRow


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
        location=location_of(row.lat, row.lng),
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
        refuse_duplicate(self.session, MemberRow.external_id, member.external_id, None)
        row = MemberRow(**_member_values(member), created_at=at, updated_at=at)
        self.session.add(row)
        self.session.flush()
        return replace(member, id=row.id)

    def update(self, member: Member, *, at: datetime) -> None:
        refuse_duplicate(self.session, MemberRow.external_id, member.external_id, member.id)
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


def household_to_domain(row: HouseholdRow) -> Household:
    return Household(
        id=row.id,
        org_id=row.org_id,
        head_name=row.head_name,
        size=row.size,
        building=row.building,
        address=row.address,
        phone=row.phone,
        location=location_of(row.lat, row.lng),
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
        refuse_duplicate(self.session, HouseholdRow.external_id, household.external_id, None)
        row = HouseholdRow(**_household_values(household), created_at=at, updated_at=at)
        self.session.add(row)
        self.session.flush()
        return replace(household, id=row.id)

    def update(self, household: Household, *, at: datetime) -> None:
        refuse_duplicate(
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
                ("问题诉求", IssueRow.household_id),
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
