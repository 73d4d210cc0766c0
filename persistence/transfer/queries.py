"""Export of the registers in the import layout, so an export re-imports unchanged.
Scoped to the caller and masked where the caller may not see personal data."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from domain.kernel.access import Scope
from domain.kernel.org import LEVEL_LABELS, OrgLevel
from domain.kernel.time import local_date
from domain.registers.household import BUILTIN_CATEGORY_LABELS, SENSITIVE_CATEGORIES
from domain.registers.masking import mask_address, mask_phone
from domain.registers.member import (
    EXEMPTION_LABELS,
    MEMBER_ROLE_LABELS,
    ExemptionReason,
    MemberRole,
)
from domain.transfer.importing import COLUMNS, ImportKind
from persistence.assignment.tables import AssignmentRow
from persistence.org.tables import OrgUnitRow
from persistence.registers.tables import CategoryRow, HouseholdRow, MemberRow, decode_categories
from persistence.scoping import household_scope, in_subtree, member_scope

BATCH = 2000

# An exported workbook's sheet, named after its register.
SHEET_NAMES: dict[ImportKind, str] = {
    ImportKind.ORG_UNITS: "组织",
    ImportKind.MEMBERS: "党员",
    ImportKind.HOUSEHOLDS: "农户",
}
LEDGER_SHEET = "农户台账"
LEDGER_HEADER = [
    "户编号",
    "户主姓名",
    "所属村（社区）",
    "所属网格",
    "楼栋",
    "地址",
    "家庭人口",
    "手机号",
    "户类",
    "联系党员",
    "最近走访",
    "系统编号",  # API_ID: the API's id, what an integrator's mirror keys on
]
NEVER_VISITED = "从未走访"


# The API's id of each household, last: what an integrator's mirror keys on (ids are never
# reused). Not an import column: an import ignores it, so an export still re-imports unchanged.
API_ID = "系统编号"


def header(kind: ImportKind) -> list[str]:
    labels = [c.label for c in COLUMNS[kind]]
    return [*labels, API_ID] if kind is ImportKind.HOUSEHOLDS else labels


def export_rows(session: Session, scope: Scope, kind: ImportKind) -> Iterator[list[Any]]:
    """Header first, then one row per record, streamed in batches."""
    yield header(kind)
    if kind is ImportKind.ORG_UNITS:
        yield from _org_rows(session, scope)
    elif kind is ImportKind.MEMBERS:
        yield from _member_rows(session, scope)
    else:
        yield from _household_rows(session, scope)


def _org_rows(session: Session, scope: Scope) -> Iterator[list[Any]]:
    parent = aliased(OrgUnitRow)
    stmt = (
        select(OrgUnitRow, parent.code)
        .outerjoin(parent, parent.id == OrgUnitRow.parent_id)
        .where(in_subtree(OrgUnitRow.path, scope.org_path))
        .order_by(OrgUnitRow.path)
    )
    for row, parent_code in session.execute(stmt):
        yield [
            row.code or f"#{row.id}",
            row.name,
            LEVEL_LABELS[OrgLevel(row.level)],
            parent_code or "",
            row.external_id or "",
        ]


def _member_rows(session: Session, scope: Scope) -> Iterator[list[Any]]:
    org = aliased(OrgUnitRow)
    reported = aliased(OrgUnitRow)
    personal = scope.sees_personal_data
    stmt = (
        select(MemberRow, org.code, reported.code)
        .join(org, org.id == MemberRow.org_id)
        .outerjoin(reported, reported.id == MemberRow.reported_community_id)
        .where(member_scope(scope))
        .order_by(MemberRow.id)
        .execution_options(yield_per=BATCH)
    )
    for m, org_code, reported_code in session.execute(stmt):
        yield [
            m.external_id or "",
            m.name,
            org_code or "",
            MEMBER_ROLE_LABELS[MemberRole(m.role)],
            m.gender or "",
            m.birth_date.isoformat() if m.birth_date else "",
            (m.phone if personal else mask_phone(m.phone)) or "",
            m.lat if personal and m.lat is not None else "",
            m.lng if personal and m.lng is not None else "",
            m.skills,
            "是" if m.in_service else "否",
            reported_code or "",
            EXEMPTION_LABELS[ExemptionReason(m.exempt_reason)] if m.exempt_reason else "",
            m.exempt_decided_by or "",
            m.exempt_decided_on.isoformat() if m.exempt_decided_on else "",
            m.exempt_note or "",
        ]


def _category_labels(session: Session) -> dict[str, str]:
    return {
        **BUILTIN_CATEGORY_LABELS,
        **{r.code: r.label for r in session.scalars(select(CategoryRow))},
    }


def _shown_categories(h: HouseholdRow, labels: dict[str, str], personal: bool) -> str:
    shown = [
        c
        for c in sorted(decode_categories(h.categories))
        if personal or c not in SENSITIVE_CATEGORIES
    ]
    return "、".join(labels.get(c, c) for c in shown)


def _household_rows(session: Session, scope: Scope) -> Iterator[list[Any]]:
    labels = _category_labels(session)
    personal = scope.sees_personal_data
    stmt = (
        select(HouseholdRow, OrgUnitRow.code)
        .join(OrgUnitRow, OrgUnitRow.id == HouseholdRow.org_id)
        .where(household_scope(scope))
        .order_by(HouseholdRow.id)
        .execution_options(yield_per=BATCH)
    )
    for h, grid_code in session.execute(stmt):
        yield [
            h.external_id or "",
            h.head_name,
            grid_code or "",
            h.building or "",
            (h.address if personal else mask_address(h.address)) or "",
            h.size,
            (h.phone if personal else mask_phone(h.phone)) or "",
            h.lat if personal and h.lat is not None else "",
            h.lng if personal and h.lng is not None else "",
            _shown_categories(h, labels, personal),
            h.id,
        ]


def ledger_rows(session: Session, scope: Scope) -> Iterator[list[Any]]:
    """The household register (农户台账), header first: each household in the caller's reach
    with its village and grid by name, its contact member today and its last visit (the day in
    China), masked as the caller's rights say."""
    yield list(LEDGER_HEADER)
    labels = _category_labels(session)
    personal = scope.sees_personal_data
    parent = aliased(OrgUnitRow)
    active = aliased(AssignmentRow)
    contact = aliased(MemberRow)
    stmt = (
        select(HouseholdRow, OrgUnitRow.name, parent.name, contact.name)
        .join(OrgUnitRow, OrgUnitRow.id == HouseholdRow.org_id)
        .outerjoin(parent, parent.id == OrgUnitRow.parent_id)
        .outerjoin(active, (active.household_id == HouseholdRow.id) & active.ended_on.is_(None))
        .outerjoin(contact, contact.id == active.member_id)
        .where(household_scope(scope))
        .order_by(OrgUnitRow.path, HouseholdRow.id)
        .execution_options(yield_per=BATCH)
    )
    for h, grid_name, parent_name, contact_name in session.execute(stmt):
        yield [
            h.external_id or "",
            h.head_name,
            parent_name or "",
            grid_name,
            h.building or "",
            (h.address if personal else mask_address(h.address)) or "",
            h.size,
            (h.phone if personal else mask_phone(h.phone)) or "",
            _shown_categories(h, labels, personal),
            contact_name or "",
            local_date(h.last_visited_at).isoformat() if h.last_visited_at else NEVER_VISITED,
            h.id,
        ]
